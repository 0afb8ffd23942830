// The fs and deploy progress lines fit an 80-column terminal with speed and ETA, rendered by
// cli-progress's own formatter with the widest values each field takes.
import test from 'ava';
import { createRequire } from 'node:module';
import { Presets } from 'cli-progress';
import { transferFormat } from '../src/cli/fs-progress.ts';
import { deployFormat } from '../src/cli/app-progress.ts';

const require = createRequire(import.meta.url);
const options = require('cli-progress/lib/options.js') as { parse(o: object, p: object): object; assignDerivedOptions(o: object): object };
const formatter = require('cli-progress/lib/formatter.js') as (o: object, p: object, payload: object) => string;

const render = (f: { format: string; barsize: number }, payload: object, eta: number): string => {
  const o = options.assignDerivedOptions(options.parse(f, Presets.shades_classic));
  return formatter(o, { progress: 0.5, eta, startTime: Date.now(), stopTime: null, total: 1e10, value: 5e9, maxWidth: 80 }, payload);
};

for (const cols of [80, 120]) {
  test(`fs put's bar fits ${cols} columns with speed and ETA`, (t) => {
    for (const label of ['put a.bin', `put ${'very-long-file-name-'.repeat(4)}.tar.gz`]) {
      const line = render(transferFormat(label, cols), { doneMb: '99999.9', totalMb: '99999.9', speed: '9999.9' }, 359_999);
      t.true(line.length < cols, `${line.length}: ${line}`);
      t.regex(line, /9999\.9 MB\/s ETA 99h60m$|9999\.9 MB\/s ETA 99h59m$/);
      t.regex(line, /^put /);
    }
    t.true(transferFormat('put a.bin', cols).barsize >= 10);
  });

  test(`deploy --all's bars fit ${cols} columns with speed and ETA`, (t) => {
    const line = render(deployFormat(cols), { node: 'abcdefghijkl', sentMb: '9999.9', totalMb: '9999.9', speed: '9999.9', phase: 'installing' }, 359_999);
    t.true(line.length < cols, `${line.length}: ${line}`);
    t.regex(line, /MB\/s ETA \S+ installing$/);
    t.true(deployFormat(cols).barsize >= 10);
  });
}

test('the file name gives way, keeping its end', (t) => {
  const f = transferFormat(`put ${'x'.repeat(60)}.tar.gz`, 80);
  t.regex(f.format, /^put …x+\.tar\.gz \{bar\}/);
});
