// Fleet commands, run against the master's control socket (--home MASTERHOME): `nodes`,
// `nodes approve`, `topology`, `exec`, `config set` and `command`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { homeOption } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import { realClock } from '../env/real-clock.ts';
import { SkywireError } from '../errors.ts';
import type { NodeView, TopologyView } from '../master/fleet-view.ts';
import { topologyDot } from '../master/fleet-view.ts';
import type { NodeReply } from '../master/master-control.ts';
import { formatExec, formatMetrics, formatNodes } from './format-fleet.ts';

const home = (c: Command): Command => homeOption(c, 'the master\'s home directory');
const print = (v: unknown): void => void process.stdout.write(JSON.stringify(v) + '\n');

export const addFleetCommands = (program: Command): void => {
  // --home is not "required" here: commander would then demand it of `nodes` also when it is
  // given to `nodes approve`.
  const nodes = program.command('nodes')
    .description('list registered nodes: online or offline, last seen, links, path (direct or via a relay)')
    .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`)
    .option('--json', 'one JSON array')
    .action(async (o: { home?: string; json?: boolean }) => {
      const list = (await controlRequest(o.home ?? defaultHome(), { cmd: 'nodes' })) as NodeView[];
      process.stdout.write(o.json ? JSON.stringify(list) + '\n' : formatNodes(list, realClock().wallMs()));
    });
  // approve and remove: one node, one control request, one line back.
  const enrolment = (verb: 'approve' | 'remove', description: string, done: string): void => {
    nodes.command(`${verb} <node>`)
      .description(description)
      .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`)
      .action(async (node: string, o: { home?: string }) => {
        // The parent `nodes` parses --home first wherever it appears on the line.
        const h = o.home ?? nodes.opts<{ home?: string }>().home ?? defaultHome();
        const r = (await controlRequest(h, { cmd: `nodes-${verb}`, node })) as { address: string; name: string };
        process.stdout.write(`${done} ${r.name || '-'} ${r.address}\n`);
      });
  };
  enrolment('approve', 'accept a node held for approval (address, unique address prefix or name)', 'approved');
  // tag / untag: the operator's labels, for --tag on exec and app deploy (a canary group first).
  for (const [verb, key, description] of [['tag', 'add', 'label NODE with TAGs (letters, digits, - and _)'], ['untag', 'remove', 'take TAGs off NODE']] as const) {
    nodes.command(`${verb} <node> <tags...>`)
      .description(description)
      .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`)
      .action(async (node: string, tags: string[], o: { home?: string }) => {
        const h = o.home ?? nodes.opts<{ home?: string }>().home ?? defaultHome();
        const r = (await controlRequest(h, { cmd: 'nodes-tag', node, [key]: tags })) as { address: string; name: string; tags: string[] };
        process.stdout.write(`${r.name || '-'} ${r.address}: tags ${r.tags.join(', ') || '(none)'}\n`);
      });
  }
  enrolment('remove', 'take a node out of the fleet now: its credential is revoked on every node, it can reach nothing but registration, and it stays out until approved again', 'removed');

  home(program.command('metrics <node>'))
    .description('a node\'s newest device data: CPU, load, memory, disk, temperature, uptime, version, apps')
    .option('--json', 'one JSON object')
    .action(async (node: string, o: { home: string; json?: boolean }) => {
      const r = (await controlRequest(o.home, { cmd: 'metrics', node })) as Parameters<typeof formatMetrics>[0];
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : formatMetrics(r, realClock().wallMs()));
    });

  home(program.command('topology'))
    .description('the fleet\'s links as the master knows them')
    .option('--json', 'one JSON object')
    .option('--dot', 'Graphviz (pipe to "dot -Tsvg")')
    .action(async (o: { home: string; json?: boolean; dot?: boolean }) => {
      const t = (await controlRequest(o.home, { cmd: 'topology' })) as TopologyView;
      if (o.json) return print(t);
      if (o.dot) return void process.stdout.write(topologyDot(t));
      const name = new Map(t.nodes.map((n) => [n.address, n.name || n.address]));
      for (const e of t.edges) process.stdout.write(`${name.get(e.from) ?? e.from} -- ${name.get(e.to) ?? e.to}  ${e.state}${e.rttMs === null ? '' : ` ${e.rttMs} ms`}\n`);
    });

  home(program.command('exec [node] [command...]'))
    .description('run a command on a node (or every accepted node with --all): skywire exec NODE -- CMD ARGS...')
    .option('--all', 'every accepted node')
    .option('--tag <tag>', 'every accepted node carrying TAG ("skywire nodes tag")')
    .option('--timeout-ms <ms>', 'time limit per node', '30000')
    .option('--json', 'one JSON object')
    .action(async (node: string | undefined, command: string[], o: { home: string; all?: boolean; tag?: string; timeoutMs: string; json?: boolean }) => {
      const many = o.all === true || o.tag !== undefined;
      const argv = many && node !== undefined ? [node, ...command] : command;
      if (argv.length === 0 || (!many && !node)) throw new SkywireError('BAD_REQUEST', 'usage: skywire exec NODE -- CMD [ARGS...], or exec --tag TAG -- CMD, or exec --all -- CMD');
      const timeoutMs = Number(o.timeoutMs);
      const r = (await controlRequest(o.home, { cmd: 'exec', all: o.all === true, tag: o.tag, node: many ? undefined : node, command: argv[0], args: argv.slice(1), timeoutMs }, timeoutMs + 30_000)) as { results: NodeReply[]; summary: Record<string, number> };
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : formatExec(r.results, r.summary));
      if (r.summary.succeeded !== r.summary.nodes) process.exitCode = 1;
    });

  const config = program.command('config').description('node configuration pushed from the master');
  home(config.command('set <node> <file>'))
    .description('push FILE (a config.json) to NODE; it is applied atomically and its version reported back')
    .option('--config-version <n>', 'config version (default: one above the node\'s)')
    .action(async (node: string, file: string, o: { home: string; configVersion?: string }) => {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new SkywireError('CONFIG_INVALID', `${file}: ${(e as Error).message}`);
      }
      const r = (await controlRequest(o.home, { cmd: 'config-set', node, config: doc, version: o.configVersion === undefined ? undefined : Number(o.configVersion) }, 40_000)) as NodeReply;
      if (!r.reply.ok) throw new SkywireError('COMMAND_REFUSED', `${r.name || r.node}: ${'refused' in r.reply ? `refused (${r.reply.refused})` : r.reply.error.message}`);
      process.stdout.write(`${r.name || r.node}: config version ${(r.reply.result as { applied: number }).applied} applied\n`);
    });

  home(program.command('command <node> <name>'))
    .description('send one signed command (status, topology, restart) to NODE and print its JSON reply')
    .action(async (node: string, name: string, o: { home: string }) => {
      const r = (await controlRequest(o.home, { cmd: 'node-command', node, command: name, args: {} }, 40_000)) as NodeReply;
      print(r.reply);
      if (!r.reply.ok) process.exitCode = 1;
    });
};
