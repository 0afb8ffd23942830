// `skywire app ...` on the master's machine (--home MASTERHOME): deploy a bundle to one node or
// all, list, start, stop, remove, export to a file, import from one, and move between nodes.
// `skywire app build` (src/cli/cmd-app-build.ts) needs no master.
import { realClock } from '../env/real-clock.ts';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { homeOption } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { SkywireError } from '../errors.ts';
import type { CommandReply } from '../command/command-server.ts';
import { followDeploy } from './app-progress.ts';

const home = (c: Command): Command => homeOption(c, 'the master\'s home directory').option('--json', 'JSON output');
const why = (r: CommandReply): string => (r.ok ? 'ok' : 'refused' in r ? `refused (${r.refused})` : `${r.error.code}: ${r.error.message}`);
const LONG = 15 * 60_000;

const check = (label: string, r: CommandReply): void => {
  if (!r.ok) throw new SkywireError('COMMAND_REFUSED', `${label}: ${why(r)}`);
};

/** The app machine's 'installed' is what an operator calls stopped (installed, not running). */
export const shownState = (s: string): string => (s === 'installed' ? 'stopped' : s);

export const addAppCommands = (program: Command): Command => {
  const app = program.command('app').description('applications: build bundles, deploy, list, start, stop, export, import, move');

  home(app.command('deploy <bundle> [node]'))
    .description('install or update a bundle on NODE (or --all); committed only after its health check, else rolled back')
    .option('--all', 'every accepted node')
    .option('--tag <tag>', 'every accepted node carrying TAG ("skywire nodes tag"), e.g. a canary group')
    .action(async (bundle: string, node: string | undefined, o: { home: string; all?: boolean; tag?: string; json?: boolean }) => {
      if (!node && !o.all && !o.tag) throw new SkywireError('BAD_REQUEST', 'usage: skywire app deploy BUNDLE NODE, or BUNDLE --tag TAG, or BUNDLE --all');
      const { result, sock } = await controlPipe(o.home, { cmd: 'app-deploy', file: resolve(bundle), node, all: o.all === true, tag: o.tag });
      const head = result as { name: string; version: string; total: number; nodes: string[] };
      if (!o.json) process.stdout.write(`deploying ${head.name} ${head.version} (${head.total} bytes) to ${head.nodes.length} node(s)\n`);
      const end = await followDeploy(sock, head.total, !o.json && process.stdout.isTTY === true, process.stdout);
      const results = end.results ?? [];
      if (o.json) process.stdout.write(JSON.stringify(results) + '\n');
      else for (const r of results) {
        const rep = r.reply as CommandReply;
        const res = rep.ok ? (rep.result as { outcome: string; reason?: string; log?: string[] }) : undefined;
        process.stdout.write(`${r.node}: ${res ? res.outcome + (res.reason ? `: ${res.reason}` : '') : `failed (${why(rep)})`}\n`);
        if (res?.log?.length) process.stdout.write(`  app log, last lines:\n${res.log.map((l) => `  | ${l}`).join('\n')}\n`);
        else if (res?.reason) process.stdout.write('  the app wrote nothing to its log\n');
      }
      if (!results.every((r) => r.reply.ok && (r.reply as unknown as { result: { outcome: string } }).result.outcome === 'committed')) process.exitCode = 1;
    });

  home(app.command('list [node]'))
    .description('apps on NODE (or --all) with version, state, restarts and last update')
    .option('--all', 'every accepted node')
    .option('--tag <tag>', 'every accepted node carrying TAG')
    .action(async (node: string | undefined, o: { home: string; all?: boolean; tag?: string; json?: boolean }) => {
      const rows = (await controlRequest(o.home, { cmd: 'app-list', node, all: o.all === true, tag: o.tag }, 60_000)) as { node: string; name: string; reply: CommandReply }[];
      if (o.json) return void process.stdout.write(JSON.stringify(rows) + '\n');
      for (const r of rows) {
        if (!r.reply.ok) { process.stdout.write(`${r.name || r.node}: ${why(r.reply)}\n`); continue; }
        const apps = r.reply.result as { name: string; version: string | null; state: string; restarts: number; lastUpdate: string }[];
        process.stdout.write(`${r.name || r.node}: ${apps.length} app(s)\n`);
        for (const a of apps) process.stdout.write(`  ${a.name.padEnd(16)} ${String(a.version).padEnd(10)} ${shownState(a.state).padEnd(12)} restarts ${a.restarts}  last update ${a.lastUpdate}\n`);
      }
    });

  for (const verb of ['start', 'stop', 'remove'] as const) {
    home(app.command(`${verb} <node> <app>`)).description(`${verb} APP on NODE`).action(async (node: string, name: string, o: { home: string; json?: boolean }) => {
      const r = (await controlRequest(o.home, { cmd: `app-${verb}`, node, app: name }, 90_000)) as { node: string; name?: string; reply: CommandReply };
      if (o.json) return void process.stdout.write(JSON.stringify(r) + '\n');
      check(`${verb} ${name}`, r.reply);
      const res = (r.reply.ok ? r.reply.result : {}) as { state?: string };
      const on = `${name} on ${r.name || r.node}`;
      process.stdout.write(verb === 'remove' ? `removed ${on} (its src, config and data are gone)\n`
        : verb === 'stop' ? `stopped ${on}; "skywire app start ${node} ${name}" starts it again\n`
        : `started ${on}: ${shownState(res.state ?? 'starting')}${res.state === 'running' ? '' : ' (see "skywire app list" for when it is running)'}\n`);
    });
  }

  home(app.command('logs <node> <app>'))
    .description('print APP\'s output on NODE (its last lines); --follow keeps printing what it writes until Ctrl-C')
    .option('-n, --lines <n>', 'how many of the last lines', '50')
    .option('-f, --follow', 'keep printing new output')
    .action(async (node: string, name: string, o: { home: string; lines: string; follow?: boolean; json?: boolean }) => {
      const lines = Number(o.lines);
      if (!Number.isInteger(lines) || lines < 1) throw new SkywireError('BAD_REQUEST', `--lines ${o.lines} is not a positive whole number`);
      let since: number | undefined;
      const clock = realClock();
      for (;;) {
        const r = (await controlRequest(o.home, { cmd: 'app-logs', node, app: name, since, lines }, 60_000)) as { node: string; reply: CommandReply };
        check(`logs ${name}`, r.reply);
        const res = (r.reply.ok ? r.reply.result : {}) as { text: string; next: number; restarted: boolean };
        if (res.restarted) process.stderr.write(`skywire: ${name}'s log on ${node} rotated; reading the new one from its start\n`);
        if (res.text) process.stdout.write(res.text.endsWith('\n') || !o.follow ? res.text : `${res.text}\n`);
        if (!o.follow) {
          if (!res.text) process.stderr.write(`${name} on ${node} has written nothing yet\n`);
          return;
        }
        since = res.next;
        await new Promise<void>((r2) => { clock.setTimeout(r2, 1000); });
      }
    });

  home(app.command('config <node> <app> <files...>'))
    .description('replace APP\'s config/ on NODE with FILES (each kept under its own file name), signed and versioned; a running app restarts to read it')
    .option('--config-version <n>', 'version (default: one above the node\'s)')
    .action(async (node: string, name: string, files: string[], o: { home: string; configVersion?: string; json?: boolean }) => {
      const docs: Record<string, string> = {};
      for (const f of files) {
        try {
          docs[basename(f)] = readFileSync(f).toString('base64');
        } catch (e) {
          throw new SkywireError('BAD_REQUEST', `cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give config files that exist`);
        }
      }
      const r = (await controlRequest(o.home, { cmd: 'app-config', node, app: name, files: docs, version: o.configVersion === undefined ? undefined : Number(o.configVersion) }, 120_000)) as { node: string; reply: CommandReply };
      check(`config ${name}`, r.reply);
      const res = r.reply.ok ? (r.reply.result as { version: number; files: string[]; restarted: boolean }) : undefined;
      process.stdout.write(o.json ? JSON.stringify(res) + '\n' : `${name} on ${r.node}: config version ${res?.version} (${res?.files.join(', ')})${res?.restarted ? ', restarted' : ''}\n`);
    });

  home(app.command('export <node> <app>'))
    .description('write APP\'s src, config and data on NODE to one archive (the app is stopped while it is packed)')
    .option('-o, --out <file>', 'archive to write', '')
    .action(async (node: string, name: string, o: { home: string; out: string; json?: boolean }) => {
      const out = resolve(o.out || `${name}.skyapp`);
      const r = (await controlRequest(o.home, { cmd: 'app-export', node, app: name, out }, LONG)) as { reply: CommandReply; file?: string };
      check(`export ${name}`, r.reply);
      const res = r.reply.ok ? (r.reply.result as { size: number; sha256: string }) : undefined;
      process.stdout.write(o.json ? JSON.stringify({ file: out, ...res }) + '\n' : `${res?.sha256}  ${out}\n`);
    });

  home(app.command('import <node> <archive>'))
    .description('install an exported app (src, config and data) on NODE and start it')
    .action(async (node: string, archive: string, o: { home: string; json?: boolean }) => {
      const r = (await controlRequest(o.home, { cmd: 'app-import', node, file: resolve(archive) }, LONG)) as { node: string; name?: string; reply: CommandReply };
      check('import', r.reply);
      const res = (r.reply.ok ? r.reply.result : {}) as { name?: string; version?: string; state?: string };
      process.stdout.write(o.json ? JSON.stringify(r.reply) + '\n' : `imported ${res.name ?? '?'} ${res.version ?? ''} on ${r.name || node} from ${archive}: ${shownState(res.state ?? '?')}\n`);
    });

  home(app.command('move <app>'))
    .description('move APP: stop on --from, copy, start on --to, remove from --from once healthy; rerun to resume')
    .requiredOption('--from <node>', 'node the app runs on now')
    .requiredOption('--to <node>', 'node to move it to')
    .action(async (name: string, o: { home: string; from: string; to: string; json?: boolean }) => {
      const r = await controlRequest(o.home, { cmd: 'app-move', app: name, from: o.from, to: o.to }, LONG);
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : `moved ${name} from ${o.from} to ${o.to}\n`);
    });
  return app;
};
