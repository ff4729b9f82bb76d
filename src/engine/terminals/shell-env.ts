// The environment of a terminal's shell on a host or in a pod. Debian's
// stock prompt shows $debian_chroot in front, so a pod's shell reads
// "(pod b)root@host2:/#" (a container's in a docker0 lab: "(c1)…"), and a
// command that fails is followed by "[exit N]": curl's 7 (refused) and
// 28 (timed out) tell different stories. bash keeps $? across PROMPT_COMMAND.
export const PROMPT_EXIT_CODE = 'podnet_rc=$?; [ "$podnet_rc" = 0 ] || printf \'\\033[2m[exit %s]\\033[0m\\n\' "$podnet_rc"';

export function shellEnv(label: string, pod: { name: string; container: boolean } | null): Record<string, string> {
  return {
    PODNET_TARGET: label,
    PROMPT_COMMAND: PROMPT_EXIT_CODE,
    ...(pod ? { debian_chroot: pod.container ? pod.name : `pod ${pod.name}` } : {}),
  };
}
