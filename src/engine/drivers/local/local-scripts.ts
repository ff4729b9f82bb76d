// The shell scripts of the local driver: building a lab's namespaces (run
// on the machine, one process for the whole lab), preparing a host from
// inside it, and removing everything of a lab. All names are validated lab
// and host names; every other argument is quoted.
import { shellQuote } from '../../util/shell-quote';
import { switchPortName } from '../switch-port';
import { LOCAL_ROOT, NETNS_DIR, SWITCH, SWITCH_BRIDGE, hostDir, hostNamespaces, labDir, netnsName, netnsPrefix } from './local-layout';

const q = shellQuote;

/**
 * Machine side, one run per lab: /run/podnet as a private mount (namespace
 * files must live on one), the underlay switch, and per host its persisted
 * net/mount/UTS namespaces with eth0 plugged into the switch.
 */
export function setupScript(lab: string, hosts: readonly string[], mtu: number, root = LOCAL_ROOT): string {
  const sw = netnsName(lab, SWITCH);
  const top = root.slice(0, root.lastIndexOf('/')) || '/';
  const all = hosts.map((h) => ({ host: h, ns: hostNamespaces(lab, h, root), dir: hostDir(lab, h, root) }));
  // Few processes: every folder in one mkdir, every namespace file in one touch, every switch port in one ip batch.
  return `set -eu
mkdir -p ${q(top)} ${q(NETNS_DIR)}
exec 9>${q(`${top}/.lock`)}
flock 9
mountpoint -q ${q(top)} || { mount --bind ${q(top)} ${q(top)} && mount --make-private ${q(top)}; }
flock -u 9
mkdir -p ${all.map((h) => `${q(`${h.dir}/etc/upper`)} ${q(`${h.dir}/etc/work`)}`).join(' ')}
ip netns add ${q(sw)}
touch ${all.map((h) => `${q(h.ns.net)} ${q(h.ns.mnt)} ${q(h.ns.uts)}`).join(' ')}
${all.map((h) => `unshare --net=${q(h.ns.net)} --mount=${q(h.ns.mnt)} --uts=${q(h.ns.uts)} --propagation private true`).join('\n')}
ip -n ${q(sw)} -batch - <<'PODNET_EOF'
link add ${SWITCH_BRIDGE} type bridge
link set ${SWITCH_BRIDGE} mtu ${mtu} up
${all.map((h) => `link add ${switchPortName(h.host)} mtu ${mtu} type veth peer name eth0 mtu ${mtu} netns ${netnsName(lab, h.host)}\nlink set ${switchPortName(h.host)} master ${SWITCH_BRIDGE} up`).join('\n')}
PODNET_EOF
`;
}

/**
 * Host side, first thing of its build script (run inside its namespaces):
 * hostname, its own /etc (overlay), /sys (this namespace's devices),
 * /run and /var/lib/cni (the CNI plugins' state: this machine's own, if it
 * is a node, stays untouched), /etc/hosts with the lab's hosts, no IPv6 on
 * lab interfaces.
 */
export function hostPrelude(lab: string, host: string, hostsFile: string, root = LOCAL_ROOT): string {
  const dir = hostDir(lab, host, root);
  // Shell builtins where they do (hostname through /proc, files by printf): a process costs a millisecond or two.
  return `set -eu
echo ${q(host)} > /proc/sys/kernel/hostname
mount -t overlay podnet-etc -o ${q(`lowerdir=/etc,upperdir=${dir}/etc/upper,workdir=${dir}/etc/work`)} /etc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=755,size=64m podnet-run /run
[ -d /var/lib/cni ] || mkdir -p /var/lib/cni
mount -t tmpfs -o mode=755,size=16m podnet-cni /var/lib/cni
for f in /etc/hosts /etc/resolv.conf; do [ ! -L "$f" ] || rm -f "$f"; done
printf '%s' ${q(hostsFile)} > /etc/hosts
for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sys/net/ipv6/conf/default/disable_ipv6; do [ -w "$f" ] && echo 1 > "$f"; done
ip link set lo up
`;
}

/** /etc/hosts of a lab host: the machine's loopback names and every lab host by its underlay address. */
export function hostsFile(host: string, entries: readonly { name: string; ip: string }[]): string {
  return ['127.0.0.1\tlocalhost', `127.0.1.1\t${host}`, ...entries.map((e) => `${e.ip}\t${e.name}`)].join('\n') + '\n';
}

/**
 * Removes everything of a lab, also when it was only half built: every
 * process inside one of its namespaces (pods' responders, terminals) is
 * killed, then the namespace files are released — the kernel frees the
 * namespaces and with them every link, route and iptables rule in them.
 * Prints one line per removed namespace.
 */
export function teardownScript(lab: string, root = LOCAL_ROOT): string {
  const dir = labDir(lab, root);
  const prefix = `${NETNS_DIR}/${netnsPrefix(lab)}`;
  return `dir=${q(dir)}
set -- ${q(prefix)}*
[ -e "$1" ] || set --
ids=''
[ $# -eq 0 ] || ids=$(stat -L -c 'net:[%i]' "$@" 2>/dev/null || true)
for h in "$dir"/hosts/*; do
  [ -e "$h/mnt" ] || continue
  # A mount namespace, and the pod namespaces only it can name.
  ids="$ids $(stat -L -c 'mnt:[%i]' "$h/mnt" 2>/dev/null) $(nsenter --mount="$h/mnt" sh -c 'for f in /run/netns/*; do [ -e "$f" ] && stat -L -c "net:[%i]" "$f"; done' 2>/dev/null || true)"
done
ids=$(echo $ids)
if [ -n "$ids" ]; then
  # One listing of every process's namespaces (ls -l: "… /proc/PID/ns/net -> net:[INODE]"), no fork per process.
  LC_ALL=C ls -l /proc/[0-9]*/ns/net /proc/[0-9]*/ns/mnt 2>/dev/null | while read -r _ _ _ _ _ _ _ _ path _ target; do
    [ -n "$target" ] || continue
    pid=\${path#/proc/}
    pid=\${pid%%/*}
    case " $ids " in *" $target "*) [ "$pid" -gt 1 ] && kill -9 "$pid" 2>/dev/null ;; esac
  done
fi
# Releasing the namespace files frees the namespaces (as \`ip netns del\` does: detach, then unlink).
umount -l "$dir"/hosts/*/mnt "$dir"/hosts/*/uts "$@" 2>/dev/null || true
[ $# -eq 0 ] || rm -f "$@"
for f in "$@"; do echo "\${f#${NETNS_DIR}/}"; done
rm -rf "$dir"
`;
}
