import { ERROR_CODES, type Diagnostic } from '../../shared/errors';
import { formatDiagnostics } from '../../engine/spec/diagnostics';
import { PodnetError } from '../../engine/errors';
import { interruptSignal, withEngine } from '../cli-context';
import { createProgressPrinter } from '../progress-printer';

export interface UpFlags {
  /** Run on this driver whatever the lab file says (also PODNET_DRIVER). */
  driver?: string;
  dryRun?: boolean;
  script?: boolean;
  json?: boolean;
  force?: boolean;
}

const DRIVERS = ['docker', 'local', 'ssh'] as const;

export async function upCommand(file: string, flags: UpFlags): Promise<void> {
  const driver = flags.driver ?? (process.env.PODNET_DRIVER || undefined);
  if (driver !== undefined && !(DRIVERS as readonly string[]).includes(driver)) {
    throw new PodnetError(ERROR_CODES.USAGE, `unknown driver "${driver}"`, { hint: 'use --driver docker, local or ssh' });
  }
  const source = { path: file, ...(driver ? { driver: driver as (typeof DRIVERS)[number] } : {}) };
  await withEngine(async (engine) => {
    // What is allowed but likely not meant (a Service whose selector picks no pod), before anything is built.
    const planned = await engine.plan(source);
    printWarnings(planned.warnings, planned.parsed.source);
    if (flags.dryRun) {
      if (flags.script) {
        for (const [host, script] of planned.scripts()) process.stdout.write(`#### ${host}: sh -s <<'EOF'\n${script}EOF\n\n`);
      } else {
        process.stdout.write(`# podnet up --dry-run ${file}: nothing is created\n\n${planned.describe()}`);
      }
      return;
    }
    const printer = createProgressPrinter();
    const signal = interruptSignal();
    process.stderr.write(`podnet up ${file}\n`);
    try {
      const result = await engine.up(source, { onProgress: printer.progress, onLog: printer.log, signal, ...(flags.force ? { force: true } : {}) });
      printer.end();
      if (flags.json) {
        process.stdout.write(JSON.stringify({ name: result.name, elapsedMs: result.elapsedMs, snapshot: result.snapshot }, null, 2) + '\n');
        return;
      }
      const hosts = result.snapshot.hosts;
      process.stdout.write(`lab ${result.name} is up in ${(result.elapsedMs / 1000).toFixed(2)} s\n`);
      for (const h of hosts) {
        const pods = h.pods.map((p) => `${p.name} ${p.ip ?? '-'}`).join(', ');
        process.stdout.write(`  ${h.name.padEnd(8)} ${String(h.underlayIp).padEnd(15)} ${pods}\n`);
      }
      if (result.snapshot.internet) process.stdout.write(`  internet 203.0.113.10 (underlay ${result.snapshot.internet.underlayIp})\n`);
      const first = hosts.find((h) => h.pods.length > 0);
      const other = hosts.find((h) => h !== first && h.pods.length > 0);
      if (first && other) process.stdout.write(`try: podnet ping ${result.name} ${first.name}/${first.pods[0]!.name} ${other.name}/${other.pods[0]!.name}\n`);
      process.stdout.write(`stop: podnet down ${result.name}\n`);
    } finally {
      printer.end();
    }
  });
}

/** The lab file's text, for showing diagnostics with their source line (only a regular file of at most 1 MiB is read). */
export async function labSourceText(file: string): Promise<string | undefined> {
  const { readLabFileBytes } = await import('../../engine/lab-source');
  return readLabFileBytes(file).then(
    (bytes) => bytes.toString('utf8'),
    () => undefined,
  );
}

function printWarnings(warnings: readonly Diagnostic[], source: string): void {
  if (warnings.length === 0) return;
  process.stderr.write(formatDiagnostics(warnings, source, 0, 'warning').join('\n') + '\n');
}
