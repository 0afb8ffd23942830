import test from 'ava';
import { scanModuleState, scanSource, scanTree, scanTreeWith } from './helpers/seam-scan.ts';
import { defaultLinkConfig } from '../src/link/link-config.ts';
import { defaultGuardOptions } from '../src/link/handshake-guard.ts';

test('protocol code (src outside src/env, machines, actors) never touches clock, timers or Math.random directly', (t) => {
  // src/web/page is the dashboard's browser code: it runs in the operator's browser, not a node.
  const hits = scanTree(process.cwd(), ['src', 'machines', 'actors', 'tui'], ['src/env/', 'src/web/page/']);
  t.deepEqual(hits, [], hits.map((h) => `${h.file}:${h.line} ${h.text}`).join('\n'));
});

test('the seam scanner catches each forbidden call and ignores injected ones, comments and strings', (t) => {
  const bad = ['Date.now()', 'Math.random()', 'performance.now()', 'setTimeout(f, 1)', 'setInterval(f, 1)', 'setImmediate(f)', 'new Date()'];
  for (const b of bad) t.is(scanSource('x.ts', `const v = ${b};`).length, 1, b);
  const fine = 'clock.setTimeout(f, 1); // Date.now() in a comment\nconst s = "Math.random()"; new Date(clock.wallMs());';
  t.deepEqual(scanSource('x.ts', fine), []);
});

test('no module-level mutable state in node code, so one process can hold many nodes', (t) => {
  const hits = scanTreeWith(scanModuleState, process.cwd(), ['src', 'machines', 'actors', 'simulator'], ['src/cli/', 'src/web/page/']);
  t.deepEqual(hits, [], hits.map((h) => `${h.file}:${h.line} ${h.text}`).join('\n'));
  const bad = ['let n = 0;', 'export var x;', 'const peers = new Map();', 'export const q: number[] = [];'];
  for (const b of bad) t.is(scanModuleState('x.ts', b).length, 1, b);
  t.deepEqual(scanModuleState('x.ts', 'const f = () => { let n = 0; };\n  let y = 1;\nconst K = 3;'), []);
  // Shared defaults are frozen: one node cannot change another's timers by mutating them.
  t.true(Object.isFrozen(defaultLinkConfig) && Object.isFrozen(defaultGuardOptions));
});
