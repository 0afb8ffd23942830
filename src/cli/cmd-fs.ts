// `skywire fs ls|get|put|rm|mkdir NODE:/path` and `skywire fs partials|rm-partial NODE`: files on
// NODE's files app, reached through the local node (--home) as one overlay stream joined to its
// control socket (`connect`).
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { controlPipe } from '../env/control-pipe.ts';
import { filesClient, type FilesClient, type PartialsReport } from '../apps/builtin/files/files-client.ts';
import { FILES_PORT } from '../apps/builtin/files/files-port.ts';
import type { FileRecord } from '../apps/builtin/files/files-protocol.ts';
import { parseRemote, remoteAndLocal, remoteFileName } from './fs-target.ts';
import { transferBar } from './fs-progress.ts';

interface Opts { home: string; json?: boolean; recursive?: boolean; parents?: boolean }

const withClient = async <T>(home: string, node: string, fn: (c: FilesClient) => Promise<T>): Promise<T> => {
  const { sock } = await controlPipe(home, { cmd: 'connect', address: node, port: FILES_PORT });
  const c = filesClient(sock);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
};

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const json = (v: unknown): void => out(JSON.stringify(v));

const lsLine = (r: FileRecord): string => {
  const when = new Date(r.mtimeMs).toISOString().slice(0, 16).replace('T', ' ');
  return r.type === 'dir' ? `d ${''.padStart(12)}  ${when}  ${r.name}/` : `- ${String(r.size).padStart(12)}  ${when}  ${r.name}`;
};

/** The node of `skywire fs partials NODE`: a bare address, or NODE:/ like the other commands. */
const nodeOf = (text: string): string => parseRemote(text.includes(':') ? text : `${text}:/`).node;

const partialsLines = (r: PartialsReport): string[] => {
  const u = r.usage;
  const hours = (ms: number): string => `${(ms / 3600_000).toFixed(1)} h`;
  return [
    `used ${u.usedBytes} of ${u.quotaBytes} bytes (${u.reservedBytes} held by ${u.pending} partial uploads), ${u.entries} of ${u.maxEntries} entries; partials expire after ${hours(u.partialExpiryMs)} idle`,
    ...r.partials.map((p) => `${p.uploadId}  ${String(p.held).padStart(12)}/${String(p.size).padEnd(12)}  ${p.active ? 'writing' : `idle ${hours(p.idleMs)}`}  ${p.path}`),
  ];
};

const cmd = (parent: Command, spec: string, what: string): Command =>
  parent.command(spec).description(what).option('--home <dir>', `home of the local node to go through ${HOME_DEFAULT_HELP}`, defaultHome()).option('--json', 'one JSON object as the result');

export const addFsCommands = (program: Command): void => {
  const fs = program.command('fs').description(`files in a node's files app (overlay port ${FILES_PORT}), through the local node`);

  cmd(fs, 'ls <remote>', 'list NODE:/dir (or show NODE:/file): type, size, modified time, name')
    .action(async (remote: string, o: Opts) => {
      const t = parseRemote(remote);
      const entries = await withClient(o.home, t.node, async (c) => {
        const self = await c.stat(t.path);
        return self.type === 'dir' ? c.list(t.path) : [self];
      });
      if (o.json) return json(entries);
      entries.forEach((r) => out(lsLine(r)));
    });

  cmd(fs, 'get <remote> [local]', 'copy NODE:/file to LOCAL (default: its name here); checked by SHA-256')
    .action(async (a: string, b: string | undefined, o: Opts) => {
      const { remote, local } = remoteAndLocal(a, b);
      const name = basename(remote.path);
      const target = local === undefined ? name : existsSync(local) && statSync(local).isDirectory() ? join(local, name) : local;
      const bar = transferBar(`get ${name}`, !o.json && process.stderr.isTTY === true);
      const r = await withClient(o.home, remote.node, (c) => c.get(remote.path, target, bar.update)).finally(() => bar.stop());
      if (o.json) json({ remote: `${remote.node}:/${remote.path}`, local: target, ...r });
    });

  cmd(fs, 'put <remote> <local>', 'copy LOCAL to NODE:/path (either order); a cut-off upload resumes when run again')
    .action(async (a: string, b: string, o: Opts) => {
      const { remote, local } = remoteAndLocal(a, b);
      const bar = transferBar(`put ${basename(local!)}`, !o.json && process.stderr.isTTY === true);
      const r = await withClient(o.home, remote.node, async (c) => {
        // Into a directory named without a trailing slash too, as cp does.
        const isDir = (await c.stat(remote.path).catch(() => null))?.type === 'dir';
        const path = remoteFileName(isDir ? `${remote.path}/`.replace(/^\/$/, '') : remote.path, local!);
        return { path, ...(await c.put(local!, path, bar.update)) };
      }).finally(() => bar.stop());
      if (o.json) json({ local, ...r, remote: `${remote.node}:/${r.path}` });
    });

  cmd(fs, 'rm <remote>', 'delete NODE:/path (a directory only when empty, unless -r)')
    .option('-r, --recursive', 'delete a directory with everything in it')
    .action(async (remote: string, o: Opts) => {
      const t = parseRemote(remote);
      await withClient(o.home, t.node, (c) => c.rm(t.path, { recursive: o.recursive === true }));
      if (o.json) json({ removed: `${t.node}:/${t.path}` });
    });

  cmd(fs, 'partials <node>', 'list the unfinished uploads NODE holds (they count against its quota until removed or expired)')
    .action(async (node: string, o: Opts) => {
      const r = await withClient(o.home, nodeOf(node), (c) => c.partials());
      if (o.json) return json(r);
      partialsLines(r).forEach(out);
    });

  cmd(fs, 'rm-partial <node> <uploadId>', 'delete an unfinished upload (an id from skywire fs partials) and give its bytes back to the quota')
    .action(async (node: string, uploadId: string, o: Opts) => {
      const freedBytes = await withClient(o.home, nodeOf(node), (c) => c.rmPartial(uploadId));
      if (o.json) json({ removed: uploadId, freedBytes });
    });

  cmd(fs, 'mkdir <remote>', 'create the directory NODE:/path')
    .option('-p, --parents', 'create missing parent directories too; no error if it exists')
    .action(async (remote: string, o: Opts) => {
      const t = parseRemote(remote);
      await withClient(o.home, t.node, (c) => c.mkdir(t.path, { parents: o.parents === true }));
      if (o.json) json({ created: `${t.node}:/${t.path}` });
    });
};
