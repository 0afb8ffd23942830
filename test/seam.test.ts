import test from 'ava';
import { scanSource, scanTree } from './helpers/seam-scan.ts';

test('protocol code (src outside src/env, machines, actors) never touches clock, timers or Math.random directly', (t) => {
  const hits = scanTree(process.cwd(), ['src', 'machines', 'actors'], ['src/env/']);
  t.deepEqual(hits, [], hits.map((h) => `${h.file}:${h.line} ${h.text}`).join('\n'));
});

test('the seam scanner catches each forbidden call and ignores injected ones, comments and strings', (t) => {
  const bad = ['Date.now()', 'Math.random()', 'performance.now()', 'setTimeout(f, 1)', 'setInterval(f, 1)', 'setImmediate(f)', 'new Date()'];
  for (const b of bad) t.is(scanSource('x.ts', `const v = ${b};`).length, 1, b);
  const fine = 'clock.setTimeout(f, 1); // Date.now() in a comment\nconst s = "Math.random()"; new Date(clock.wallMs());';
  t.deepEqual(scanSource('x.ts', fine), []);
});
