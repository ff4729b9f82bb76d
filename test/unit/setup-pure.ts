// The unit project is pure: a test that starts a process (a shell, a tool of
// this machine) belongs to the `tools` project (test/tools) or to the
// integration suites. Every way of starting one fails here, naming the test's call.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const starters = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of starters) {
  (childProcess as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    throw new Error(`unit tests start no process (child_process.${name}(${JSON.stringify(args[0])})): move the test to test/tools`);
  };
}
syncBuiltinESMExports();
