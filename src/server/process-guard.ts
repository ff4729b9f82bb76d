// The last line of defence of `podnet serve`: an error no request handler
// caught is logged and the server keeps serving. Ending the process would
// cut every open terminal and leave a lab that is being built half-built.
export function guardProcess(log: (line: string) => void): () => void {
  const report = (what: string) => (e: unknown) => log(`podnet serve: ${what} (still serving): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const uncaught = report('internal error');
  const unhandled = report('unhandled failure');
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', unhandled);
  return () => {
    process.off('uncaughtException', uncaught);
    process.off('unhandledRejection', unhandled);
  };
}
