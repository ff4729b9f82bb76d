// `podnet`: the command line over the engine. Commands are loaded on demand
// so that `podnet --help` starts in a fraction of a second.
import { Command, CommanderError } from 'commander';
import { ExitCode, reportError } from './cli-errors';
import { EPIPE_EXIT_CODE, watchStdout } from './output';

declare const PODNET_VERSION: string | undefined;
const version = typeof PODNET_VERSION === 'string' ? PODNET_VERSION : 'dev';

let sourceForDiagnostics: string | undefined;

const program = new Command('podnet')
  .description('Podnet Lab: real multi-host container and Kubernetes networks on your machine, built from a lab file.')
  .version(version)
  .enablePositionalOptions()
  .showHelpAfterError('(run `podnet --help` for usage)')
  .exitOverride();

program
  .command('up')
  .description('build a lab from a lab file, with progress (--dry-run prints every host\'s commands and touches nothing)')
  .argument('<lab.yaml>', 'the lab file')
  .option('--driver <driver>', 'run the lab on this driver whatever the file says: docker, local (namespaces on this machine, no Docker) or ssh (default: $PODNET_DRIVER, else the file\'s)')
  .option('--dry-run', 'print the plan: every host\'s commands; create nothing')
  .option('--script', 'with --dry-run: print the exact batched script each host runs')
  .option('--json', 'print the result as JSON')
  .option('--force', 'ssh driver: replace a lab of the same name that another user left on the machines')
  .action(async (file: string, flags) => {
    const { upCommand, labSourceText } = await import('./commands/up');
    sourceForDiagnostics = await labSourceText(file);
    await upCommand(file, flags);
  });

program
  .command('down')
  .description('remove everything of a lab (idempotent)')
  .argument('[lab]', 'the lab name, or its lab file (an ssh lab is then removed from the machines it names)')
  .option('--all', 'remove every lab of yours')
  .option('--force', 'also a lab another user built (user@machine); with --all, everyone\'s')
  .action(async (lab: string | undefined, flags) => (await import('./commands/down')).downCommand(lab, flags));

program
  .command('ls')
  .description('labs and their status (building, running, degraded and what is broken, failed): hosts, pods, backend')
  .option('--json', 'print as JSON')
  .action(async (flags) => (await import('./commands/ls')).lsCommand(flags));

program
  .command('repair')
  .description('bring a degraded lab back: stopped, paused, restarted or removed hosts are started again, plugged into the underlay and given their plan again (healthy hosts are not touched)')
  .argument('<lab>', 'the lab name')
  .option('--json', 'print what was repaired as JSON')
  .action(async (lab: string, flags) => (await import('./commands/repair')).repairCommand(lab, flags));

program
  .command('inspect')
  .description('the OBSERVED state of a lab, read from its hosts: interfaces, routes, neighbours, fdb, iptables')
  .argument('<lab>', 'the lab name')
  .option('--json', 'print as JSON: {name, hosts: […], internet}')
  .action(async (lab: string, flags) => (await import('./commands/inspect')).inspectCommand(lab, flags));

program
  .command('exec')
  .description('run a command on a host or in a pod; its exit code is passed through')
  .argument('<lab>', 'the lab name')
  .argument('<target>', 'host, or host/pod')
  .argument('<command...>', 'the command, after --')
  .option('-i, --stdin', 'pass this command\'s standard input to it')
  .passThroughOptions()
  .action(async (lab: string, target: string, argv: string[], flags) =>
    (await import('./commands/exec')).execCommand(lab, target, argv[0] === '--' ? argv.slice(1) : argv, flags),
  );

program
  .command('ping')
  .description('ping from a host or pod to a host, pod or address; exit code 0 if and only if replies came back')
  .argument('<lab>', 'the lab name')
  .argument('<from>', 'host or host/pod')
  .argument('<to>', 'host, host/pod, internet, or an IP address')
  .option('-c, --count <n>', 'number of pings', '3')
  .action(async (lab: string, from: string, to: string, flags) => (await import('./commands/ping')).pingCommand(lab, from, to, flags));

const exercise = program.command('exercise').description('guided exercises, checked against the real state of a lab');
exercise
  .command('list')
  .description('the exercises, in curriculum order')
  .option('--json', 'print as JSON')
  .action(async (flags) => (await import('./commands/exercise-list')).exerciseListCommand(flags));
exercise
  .command('show')
  .description('an exercise\'s text, commands and checks (filled in for its lab when it runs)')
  .argument('<exercise>', 'id or number')
  .option('--lab <name>', 'fill in commands for this running lab')
  .option('--hints', 'show the hints')
  .option('--solutions', 'show the solutions')
  .option('--json', 'print as JSON')
  .action(async (id: string, flags) => (await import('./commands/exercise-show')).exerciseShowCommand(id, flags));
exercise
  .command('start')
  .description('launch the exercise\'s lab')
  .argument('<exercise>', 'id or number')
  .option('--lab <name>', 'name the lab (default: the built-in lab\'s name)')
  .option('--reset', 'remove a running lab of that name first')
  .action(async (id: string, flags) => (await import('./commands/exercise-start')).exerciseStartCommand(id, flags));
exercise
  .command('check')
  .description('evaluate the checks against the running lab; exit 0 only if all pass')
  .argument('<exercise>', 'id or number')
  .option('--step <n>', 'only this step')
  .option('--lab <name>', 'the lab to check (default: the built-in lab\'s name)')
  .option('--json', 'print as JSON')
  .action(async (id: string, flags) => (await import('./commands/exercise-check')).exerciseCheckCommand(id, flags));
exercise
  .command('play')
  .description('build a fresh lab and play every step: check (must fail where a change is asked), solution, check (must pass); exit 0 only if all played')
  .argument('<exercise>', 'id or number')
  .option('--lab <name>', 'name of the lab to build (default: the built-in lab\'s name)')
  .option('--keep', 'keep the lab afterwards')
  .option('--json', 'print the report as JSON')
  .action(async (id: string, flags) => (await import('./commands/exercise-play')).exercisePlayCommand(id, flags));

program
  .command('capture')
  .description('capture packets on an interface of a host or pod (tcpdump inside it, streamed back); Ctrl-C stops')
  .argument('<lab>', 'the lab name')
  .argument('<target>', 'host, host/pod or internet')
  .argument('<iface>', 'interface, e.g. eth0, flannel.1, any')
  .option('--filter <expr>', 'a tcpdump filter, e.g. "udp port 8472" (passed to tcpdump as one argument, no shell)')
  .option('-c, --count <n>', 'stop after n packets')
  .option('--seconds <n>', 'stop after n seconds')
  .option('-w, --write <file.pcap>', 'save the packets as a .pcap file (opens in Wireshark)')
  .option('--json', 'one JSON object per packet')
  .action(async (lab: string, target: string, iface: string, flags) => (await import('./commands/capture')).captureCommand(lab, target, iface, flags));

program
  .command('path')
  .description('the hops one ping, TCP connection or UDP datagram really takes and why: each hop\'s route, neighbour and fdb entry, every netfilter rule it met and the NAT done (traced in the namespaces it can cross, marks removed after); where it stops and what stopped it; exit 0 if it got its answer')
  .argument('<lab>', 'the lab name')
  .argument('<from>', 'host or host/pod')
  .argument('<to>', 'host, host/pod, internet, or an IPv4 address, with :port for TCP/UDP (host2/b:8080)')
  .option('--tcp', 'one TCP connection attempt: the SYN and the SYN-ACK back (the default with a port)')
  .option('--udp', 'one UDP datagram, and its answer if any')
  .option('--icmp', 'one ping (the default without a port)')
  .option('--json', 'print as JSON')
  .action(async (lab: string, from: string, to: string, flags) => (await import('./commands/path')).pathCommand(lab, from, to, flags));

program
  .command('gc')
  .description('remove the remains of your builds that never finished (their builder is gone); complete labs, degraded ones too, are kept')
  .action(async () => (await import('./commands/gc')).gcCommand());

program
  .command('serve')
  .description('browser mode: the app at http://127.0.0.1:<port>/?token=… (this machine only; the token is the key)')
  .option('-p, --port <n>', 'port on 127.0.0.1 (0: any free port)', '7474')
  .action(async (flags) => (await import('./commands/serve')).serveCommand(flags));

const image = program.command('image').description('the node image every lab host runs');
image
  .command('build')
  .description('build the node image (Dockerfile where a registry is reachable, else offline with debootstrap)')
  .option('--method <method>', 'auto | dockerfile | offline', 'auto')
  .option('--offline', 'same as --method offline (debootstrap from this machine\'s Debian mirror, then docker import)')
  .action(async (flags) => (await import('./commands/image')).imageBuildCommand(flags));

// Commands that may reach SSH machines take --accept-new-host-keys.
for (const name of ['up', 'down', 'ls', 'inspect', 'exec', 'ping', 'gc']) {
  program.commands.find((c) => c.name() === name)?.option('--accept-new-host-keys', 'trust SSH machines seen for the first time (their keys are remembered; a changed key is always refused)');
}
program.hook('preAction', (_program, command) => {
  if (command.opts().acceptNewHostKeys) process.env.PODNET_ACCEPT_NEW_HOST_KEYS = '1';
});

async function main(): Promise<void> {
  watchStdout();
  let code: number;
  try {
    await program.parseAsync(process.argv);
    code = 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
    } else if (e instanceof ExitCode) {
      code = e.code;
    } else {
      code = await reportError(e, sourceForDiagnostics);
    }
  }
  // No process.exit: the process ends once stdout and stderr are flushed to their readers (a pipe gets everything).
  // Every command closes what it opened (the engine's sockets, channels and timers), so nothing else holds it.
  if (process.exitCode !== EPIPE_EXIT_CODE) process.exitCode = code;
  if (process.env.PODNET_DEBUG) {
    const report = () => process.stderr.write(`podnet: still running 2 s after the command finished, held by: ${process.getActiveResourcesInfo().join(', ')}\n`);
    setTimeout(report, 2000).unref();
  }
}

void main();
