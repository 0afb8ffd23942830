// A repeating real-time timer for screens (TUI refresh, plain status lines). Lives in src/env
// because only the environment seam touches the OS's timers.
export interface Ticker { stop(): void }

export const ticker = (everyMs: number, fn: () => void): Ticker => {
  const t = setInterval(fn, everyMs);
  return { stop: () => clearInterval(t) };
};
