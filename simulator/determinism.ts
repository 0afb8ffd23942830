// Names the first line where two runs of one scenario and seed differ: the place to start
// looking for a hidden source of nondeterminism (wall clock, Math.random, object identity).
export interface Divergence {
  /** 0-based line index. */
  index: number;
  /** The line in each run; undefined when that run ended earlier. */
  a: string | undefined;
  b: string | undefined;
}

export const firstDivergence = (linesA: readonly string[], linesB: readonly string[]): Divergence | null => {
  const n = Math.max(linesA.length, linesB.length);
  for (let i = 0; i < n; i++) {
    if (linesA[i] !== linesB[i]) return { index: i, a: linesA[i], b: linesB[i] };
  }
  return null;
};
