import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, skyDaemon, until } from './helpers/cli.ts';
import { addressOf, bootNode, bootText, identity, killAll, startMaster, statusOf, waitNode } from './helpers/master-world.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed, type Identity } from '../src/identity/identity.ts';
import { signCommand } from '../src/command/command-signer.ts';
import { encodeCommand } from '../src/command/command-codec.ts';
import { frame } from '../src/command/frames.ts';
import type { CommandBody } from '../src/command/command-types.ts';

const suite = nodeSuite();
const keyOf = (home: string): Identity =>
  identityFromSeed(suite, Buffer.from((JSON.parse(readFileSync(join(home, 'identity.json'), 'utf8')) as { secretKey: string }).secretKey, 'base64').subarray(0, 32));

/** Sends raw bytes to the node's command port over the overlay (`skywire connect`), returns the reply. */
const deliver = (home: string, node: string, bytes: Uint8Array): { ok: boolean; refused?: string; result?: unknown } => {
  const r = spawnSync(process.execPath, [BIN, 'connect', node, '2', '--home', home], { input: Buffer.from(frame(bytes)), timeout: 30_000 });
  const out = r.stdout;
  if (out.length < 4) throw new Error(`no reply: ${r.stderr.toString()}`);
  return JSON.parse(out.subarray(4, 4 + out.readUInt32BE(0)).toString('utf8')) as { ok: boolean; refused?: string };
};

test('forged, replayed, foreign-key, stale and wrong-node commands are refused, counted, and replays stay refused after a restart', async (t) => {
  const m = startMaster();
  const n = bootNode('cmd-node', bootText(m, m, 'cmd-node'));
  const rogue = identity('rogue');
  t.teardown(() => killAll([m, n, rogue]));
  await addressOf(n);
  await waitNode(m, 'cmd-node', (x) => x.online && x.via === 'direct', 'registered');
  // A command from the master through its own signer is accepted.
  const ok = sky('command', 'cmd-node', 'status', '--home', m.home);
  t.is(ok.code, 0, ok.stdout + ok.stderr);

  const masterKey = keyOf(m.home);
  const rogueKey = keyOf(rogue.home);
  const now = Date.now();
  const body = (over: Partial<CommandBody> = {}): CommandBody => ({ v: 1, node: n.address, seq: 1000, issuedAtMs: now, cmd: 'exec', args: { command: 'true' }, ...over });
  const send = (bytes: Uint8Array) => deliver(m.home, n.address, bytes);

  const good = signCommand(suite, masterKey, body());
  t.deepEqual(send(encodeCommand({ ...good, args: { command: 'touch', args: ['/tmp/pwned'] } })), { ok: false, refused: 'bad-signature' });
  t.deepEqual(send(encodeCommand(signCommand(suite, rogueKey, body({ seq: 2000 })))), { ok: false, refused: 'foreign-key' });
  t.deepEqual(send(encodeCommand(signCommand(suite, masterKey, body({ seq: 2001, node: m.address })))), { ok: false, refused: 'wrong-node' });
  t.deepEqual(send(encodeCommand(signCommand(suite, masterKey, body({ seq: 2002, issuedAtMs: now - 6 * 60_000 })))), { ok: false, refused: 'stale' });
  const first = send(encodeCommand(good));
  t.true(first.ok, JSON.stringify(first));
  t.deepEqual(send(encodeCommand(good)), { ok: false, refused: 'replay' });
  t.deepEqual(send(new TextEncoder().encode('{"v":1}')), { ok: false, refused: 'malformed' });

  const s = statusOf(n);
  t.deepEqual(s.master.commands.refused, { malformed: 1, 'bad-signature': 1, 'foreign-key': 1, 'wrong-node': 1, replay: 1, stale: 0 + 1 });
  t.is(s.master.commands.accepted, 2);
  t.regex(sky('status', '--home', n.home).stdout, /commands: 2 accepted, refused: malformed 1, bad-signature 1, foreign-key 1, wrong-node 1, replay 1, stale 1/);

  // Restart the node: the accepted seq was persisted, so the same bytes are still a replay.
  n.daemon!.proc.kill('SIGTERM');
  t.is(await n.daemon!.exited, 0);
  n.daemon = skyDaemon('node', '--home', n.home, '--boot', n.boot!, '--listen', `127.0.0.1:${n.port}`, '--heartbeat-ms', '500');
  await until(() => (statusOf(n).master.registration?.state === 'registered' ? true : undefined), 30_000, 'node back and registered');
  await waitNode(m, 'cmd-node', (x) => x.online && x.via === 'direct', 'path known again');
  // The master's old route to the node's previous process may need a repair: retry delivery.
  t.deepEqual(await until(() => send(encodeCommand(good)), 40_000, 'a reply after the restart'), { ok: false, refused: 'replay' });
  t.is(statusOf(n).master.commands.refused.replay, 1, 'counters start again with the process');
  // The node reported its last seq at registration, so the master's next command is above it.
  const after = sky('command', 'cmd-node', 'status', '--home', m.home);
  t.is(after.code, 0, after.stdout + after.stderr);
});
