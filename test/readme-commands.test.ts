// Every command in the README's commands table exists in the installed CLI (the bundle `npm
// install` builds) and is run by some test through that CLI. The table is read from README.md,
// so a command added there without a test, or renamed in the code but not in the README, fails
// here by name.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky } from './helpers/cli.ts';

/** Command paths ("app deploy", "fs ls") of the README's table rows that start with `skywire`. */
const readmeCommands = (): string[] => {
  const out = new Set<string>();
  for (const line of readFileSync('README.md', 'utf8').split('\n')) {
    if (!line.startsWith('| `skywire ')) continue;
    const cell = line.split(/(?<!\\)\|/)[1] ?? '';
    let parent: string[] = [];
    for (const [, chunk] of cell.matchAll(/`([^`]*)`/g)) {
      const text = chunk!.startsWith('skywire ') ? chunk!.slice(8) : chunk!;
      // A chunk without "skywire " continues the one before it (`import NODE FILE` after
      // `skywire app export ...`); one that starts with an option is not a command.
      if (!/^[a-z]/.test(text)) continue;
      const words: string[] = [];
      for (const w of text.split(/\s+/)) {
        if (!/^[a-z][a-z-]*(\\\|[a-z][a-z-]*)*$/.test(w)) break;
        words.push(w);
      }
      const base = chunk!.startsWith('skywire ') ? words.slice(0, -1) : parent;
      for (const alt of words.at(-1)!.split('\\|')) out.add([...base, alt].join(' '));
      parent = base;
    }
  }
  return [...out].sort();
};

const testSources = (): string => {
  const files = [...readdirSync('test').filter((f) => f.endsWith('.ts') && f !== 'readme-commands.test.ts').map((f) => join('test', f)),
    ...readdirSync('test/helpers').filter((f) => f.endsWith('.ts')).map((f) => join('test/helpers', f))];
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
};

/** A test runs `words` through the CLI: as argv ('app', 'deploy') or in a shell line (skywire app deploy / ${BIN} app deploy). */
const invoked = (src: string, words: string[]): boolean => {
  const esc = words.map((w) => w.replace(/[-]/g, '\\-'));
  return new RegExp(`'${esc.join("',\\s*'")}'`).test(src) || new RegExp(`(skywire|\\$\\{BIN\\})\\s+${esc.join('\\s+')}\\b`).test(src);
};

test('the README lists the commands this checks', (t) => {
  const cmds = readmeCommands();
  for (const c of ['init', 'id', 'node', 'master', 'status', 'doctor', 'sim run', 'sim replay', 'app deploy', 'app import', 'app move', 'fs ls', 'fs rm-partial', 'socks', 'term', 'forward', 'nodes remove']) {
    t.true(cmds.includes(c), `${c} in ${cmds.join(', ')}`);
  }
});

test('every README command answers --help from the installed CLI', (t) => {
  for (const c of readmeCommands()) {
    const r = sky(...c.split(' '), '--help');
    t.is(r.code, 0, `skywire ${c} --help: ${r.stderr}`);
    t.true(r.stdout.startsWith(`Usage: skywire ${c}`), `skywire ${c} --help printed: ${r.stdout.slice(0, 120)}`);
  }
});

test('every README command is run by a test through the CLI', (t) => {
  const src = testSources();
  const missing = readmeCommands().filter((c) => !invoked(src, c.split(' ')));
  t.deepEqual(missing, [], `README commands no test runs: ${missing.join(', ')}`);
});
