// The one process a trace runs in each namespace (bash, as every podnet node
// and lab machine has it). In order:
//   1. prints the ruleset as it is (`iptables-save`, `nft -a -j list ruleset`),
//   2. starts `nft -a monitor` (trace events and ruleset changes, a line each)
//      and `conntrack -E` (connections as they are made, NAT included — a
//      refused connection is gone before anyone could list it), and waits
//      until the kernel lists both in their groups in this namespace
//      (/proc/net/netlink, found by their sockets' inodes) — so no event of
//      the probe can be missed,
//   3. checks the trace table (`nft -c`), then gives it to `nft -i` on a pipe
//      only this shell writes to: that nft owns the table (`flags owner`), and
//      the kernel deletes it when nft ends — after `delete`, at EOF when this
//      shell ends however it ends (even SIGKILL), or when killed itself,
//   4. says `ready` once the monitor has printed the table's creation,
//   5. passes the monitor's lines on until it is told to stop (SIGINT/TERM;
//      bash runs the trap at once but resumes `read`, hence its short timeout),
//      its time is up, or the table's owner died,
//   6. prints the flow's conntrack ids, deletes the table
//      and reads on until the monitor reports the deletion (so every event
//      of the flow, which came before it, has been passed on; a write to the
//      table's owner runs in a subshell: if the owner is gone, SIGPIPE ends
//      only that subshell),
//   7. prints the ruleset again: the caller compares it with step 1.
// Its own lines start with \x1e (record separator) + `podnet `; conntrack's
// start with `[NEW]`, `[UPDATE]` or `[DESTROY]` (after blanks) and may come
// between any two lines until step 7; everything else is the monitor's.
export const SAY = '\x1epodnet ';

export const TRACE_SESSION_SCRIPT = String.raw`
table=$1 rules=$2 ttl=$3
say() { printf '\036podnet %s\n' "$*"; }
stop=0
# The session is stopped by a signal to its whole process group (as Ctrl-C does): the monitors and the table's
# holder run in sessions of their own (setsid), so that the session itself ends them, in order, after the last event.
trap 'stop=1' INT TERM
rules_now() { say "$1"; iptables-save 2>/dev/null; say "$1-nft"; nft -a -j list ruleset 2>/dev/null; echo; }
# joined PID MASK: the process has a netfilter netlink socket (protocol 12) in all the groups of MASK, in this namespace.
joined() {
  local inodes=' ' f l ino
  for f in /proc/$1/fd/*; do
    l=$(readlink "$f" 2>/dev/null) && [[ $l == 'socket:['*']' ]] && IFS='[]' read -r _ ino _ <<<"$l" && inodes+="$ino "
  done
  while read -r _ proto _ groups _ _ _ _ _ inode _; do
    [ "$proto" = 12 ] && [[ $inodes == *" $inode "* ]] && (( (0x$groups & $2) == $2 )) && return 0
  done < /proc/net/netlink
  return 1
}
rules_now before
say monitor
exec 4< <(exec setsid timeout -s KILL $((ttl + 15)) stdbuf -oL nft -a monitor)
mon=$!
ctmon=
if command -v conntrack >/dev/null; then
  setsid timeout -s KILL $((ttl + 15)) stdbuf -oL conntrack -E -o id 2>/dev/null &
  ctmon=$!
fi
nftpid= ctpid= ok=0
for _ in $(seq 1 300); do
  [ $stop = 1 ] && break
  [ -n "$nftpid" ] || nftpid=$(pgrep -P $mon)
  [ -z "$ctmon" ] || [ -n "$ctpid" ] || ctpid=$(pgrep -P $ctmon)
  # NFNLGRP_NFTRACE (9) is bit 0x100; NFNLGRP_CONNTRACK_NEW, _UPDATE and _DESTROY (1–3) are 0x7.
  if [ -n "$nftpid" ] && joined $nftpid 0x100 && { [ -z "$ctmon" ] || { [ -n "$ctpid" ] && joined $ctpid 0x7; }; }; then ok=1; break; fi
  sleep 0.01
done
if [ $ok = 0 ]; then
  kill $mon $ctmon 2>/dev/null
  [ $stop = 1 ] && { say stopped; exit 0; }
  say error "nft monitor or conntrack -E did not start listening"; exit 3
fi
if ! printf '%s\n' "$rules" | nft -c -f - >&2; then kill $mon $ctmon; say error "nft refused the trace table"; exit 3; fi
exec 3> >(exec setsid nft -i >/dev/null)
holder=$!
(printf '%s\n' "$rules" >&3) 2>/dev/null
added=0 released=0 partial= deadline=$((SECONDS + ttl))
release() {
  say flows
  nft -j list set ip "$table" flows 2>/dev/null; echo
  say monitor
  (printf 'delete table ip %s\n' "$table" >&3) 2>/dev/null
  exec 3>&-
  wait $holder
  released=1 deadline=$((SECONDS + 5))
}
while :; do
  if IFS= read -r -t 0.2 -u 4 line; then
    line=$partial$line partial=
    printf '%s\n' "$line"
    if [ $added = 0 ] && [[ $line == "add table ip $table "* || $line == "add table ip $table" ]]; then added=1
    elif [ $added = 1 ] && [[ $line == "# new generation"* ]]; then added=2; say ready
    elif [[ $line == "delete table ip $table "* || $line == "delete table ip $table" ]]; then break; fi
  else
    [ $? -le 128 ] && { say error "nft monitor ended"; break; }
    partial+=$line
  fi
  if [ $released = 0 ]; then
    if ! kill -0 $holder 2>/dev/null; then say error "the trace table's owner ended early"; release
    elif [ $stop = 1 ]; then release
    elif [ $SECONDS -ge $deadline ]; then say expired; release; fi
  elif [ $SECONDS -ge $deadline ]; then
    say error "the monitor did not report the trace table's deletion"; break
  fi
done
[ $released = 1 ] || release
kill $mon $ctmon 2>/dev/null
[ -z "$ctmon" ] || wait $ctmon
nft list table ip "$table" >/dev/null 2>&1 && say error "the trace table is still there"
rules_now after
say end
`;

/** The argv of a trace session (to run in the namespace, e.g. after `ip netns exec <ns>`). */
export function traceSessionArgv(table: string, commands: string, ttlSeconds: number): string[] {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 600) throw new Error(`bad trace time ${ttlSeconds}`);
  return ['bash', '-c', TRACE_SESSION_SCRIPT, 'podnet-trace', table, commands, String(ttlSeconds)];
}
