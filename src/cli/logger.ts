// Console lines for a running node: one event per line, ISO time first, greppable.
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

export const consoleLogger = (wallMs: () => number): Logger => ({
  info: (m) => process.stdout.write(`${new Date(wallMs()).toISOString()} ${m}\n`),
  warn: (m) => process.stderr.write(`${new Date(wallMs()).toISOString()} warning: ${m}\n`),
});
