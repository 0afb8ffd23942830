// How the CLI's long-running processes end when something fails outside a request: one line
// `skywire: error [CODE]: ...` and a non-zero exit, never a stack trace and never silence.
//
// Every promise in src/ is handled where it is made (eslint: no-floating-promises, `void` is
// no escape), and failed writes are retried (src/node/durable-file.ts), so the handler below is
// a backstop for a bug. It exits rather than keep running: after a failure nobody anticipated,
// the node's state is unknown (a write may have been half done, a custody ack never sent), and
// a supervisor (systemd) restarts a process that exited; one that limps on hides the bug.
import { isSkywireError } from '../errors.ts';

const describe = (e: unknown): { code: string; message: string } => {
  if (isSkywireError(e)) return { code: e.code, message: e.message };
  const errno = (e as NodeJS.ErrnoException | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: typeof errno === 'string' && !message.includes(errno) ? `${message} (${errno})` : message };
};

/** Installed once by the CLI entry: an unhandled rejection or exception is one line and exit 2. */
export const installLastResort = (): void => {
  const die = (kind: string) => (e: unknown): void => {
    const d = describe(e);
    const at = e instanceof Error ? e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() : undefined;
    process.stderr.write(`skywire: error [${d.code}]: ${kind}: ${d.message}${at ? ` (${at})` : ''}; this is a bug, please report it with the log above\n`);
    process.exit(2);
  };
  process.on('unhandledRejection', die('unhandled rejection'));
  process.on('uncaughtException', die('uncaught exception'));
};

/** Stops (saving state), then exits with `code` or runs `then`; a failed stop still exits, 1. */
export const exitAfter = (stopping: Promise<unknown>, code = 0, then?: () => void): void => {
  stopping.then(then ?? (() => process.exit(code)), (e: unknown) => {
    const d = describe(e);
    process.stderr.write(`skywire: error [${d.code}]: stopping failed: ${d.message}\n`);
    process.exit(1);
  });
};
