// A second guard for the environment seam, independent of ESLint: finds direct uses of the
// wall clock, timers and Math.random in protocol code after stripping comments and strings.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const FORBIDDEN = /\b(Date\.now|Math\.random|performance\.now|setTimeout|setInterval|setImmediate)\s*\(|\bnew Date\(\s*\)/g;

const strip = (src: string): string =>
  src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, ' ').replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, "''");

export interface SeamHit { file: string; line: number; text: string }

export const scanSource = (file: string, src: string): SeamHit[] => {
  const hits: SeamHit[] = [];
  strip(src).split('\n').forEach((line, i) => {
    // Calls through an injected object (clock.setTimeout) are the seam working as intended.
    for (const m of line.matchAll(FORBIDDEN)) {
      if (m.index > 0 && line[m.index - 1] === '.') continue;
      hits.push({ file, line: i + 1, text: m[0] });
    }
  });
  return hits;
};

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });

export const scanTree = (root: string, dirs: string[], exclude: string[]): SeamHit[] =>
  dirs.flatMap((d) => walk(join(root, d)))
    .filter((f) => !exclude.some((x) => relative(root, f).startsWith(x)))
    .flatMap((f) => scanSource(relative(root, f), readFileSync(f, 'utf8')));

// Module-level state would be shared by every node in a process (the simulator holds hundreds).
// Top-level let/var and top-level mutable containers are the ways it sneaks in.
const MODULE_STATE = /^(?:export\s+)?(?:let|var)\s+\w+|^(?:export\s+)?const\s+\w+\s*(?::[^=]+)?=\s*(?:new\s+(?:Map|Set|WeakMap|Array|Uint8Array)\b|\[)/;

export const scanModuleState = (file: string, src: string): SeamHit[] =>
  strip(src).split('\n').flatMap((line, i) => (MODULE_STATE.test(line) ? [{ file, line: i + 1, text: line.trim() }] : []));

export const scanTreeWith = (scan: (file: string, src: string) => SeamHit[], root: string, dirs: string[], exclude: string[]): SeamHit[] =>
  dirs.flatMap((d) => walk(join(root, d)))
    .filter((f) => !exclude.some((x) => relative(root, f).startsWith(x)))
    .flatMap((f) => scan(relative(root, f), readFileSync(f, 'utf8')));
