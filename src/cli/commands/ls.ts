import { withEngine } from '../cli-context';

export async function lsCommand(flags: { json?: boolean }): Promise<void> {
  await withEngine(async (engine) => {
    const labs = await engine.list();
    if (flags.json) {
      process.stdout.write(JSON.stringify(labs, null, 2) + '\n');
      return;
    }
    if (labs.length === 0) {
      process.stdout.write('no labs are running (start one: podnet up resources/labs/flannel-vxlan.yaml)\n');
      return;
    }
    for (const lab of labs) {
      process.stdout.write(`${lab.name}  ${lab.status}  ${lab.driver}  ${lab.mode}/${lab.backend}  underlay ${lab.underlay ?? '-'}\n`);
      for (const h of lab.hosts) {
        const pods = h.pods.length ? `  pods: ${h.pods.join(', ')}` : '';
        process.stdout.write(`  ${h.name.padEnd(10)} ${(h.address ?? '-').padEnd(15)} ${h.running ? 'running' : 'STOPPED'}${pods}\n`);
      }
    }
  });
}
