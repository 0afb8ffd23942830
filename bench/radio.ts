// The radio figures issue 5 asks for, in one run:
//  - bytes on air for a 160-character amateur-mode SMS, every header included (goal <= 280;
//    Reticulum/LXMF's anchor is about 370), built with the real encoders, not added up by hand;
//  - SMS delivery time over 3 radio hops in the simulator at 1200 and 300 bit/s: after the
//    topology settled, 20 s after boot, and with scenarios/sms-radio-3hop.yaml's relay crashes;
//  - the control share of airtime on every node in those runs (limit 2 %);
//  - time to ready: process start to "radio open" for `skywire node` on a socat pty, against the
//    same node without a radio (the baseline: everything but the radio), goal < 5 s.
// Run: node --import tsx bench/radio.ts
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityFromSeed } from '../src/identity/identity.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { loadOrCreateIdentity } from '../src/identity/key-file.ts';
import { signParcel } from '../src/sms/sms-sign.ts';
import { encodeText } from '../src/sms/text-code.ts';
import { AX25, encodeUi, parseStation } from '../src/radio/ax25.ts';
import { SignedPeer, openHello, sealData, sealHello } from '../src/radio/signed-link.ts';
import { encodeInner } from '../src/wire/inner.ts';
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { spawnWatched, stats } from './child-lines.ts';
import { print } from './machine.ts';

const suite = nodeSuite();
const TEXT = 'Water is rising near the bridge on Route 9. We are safe at the school gym with 40 people. Need blankets, food and drinking water. Please send help before dark!!';

const bytesOnAir = () => {
  const id = () => identityFromSeed(suite, randomBytes(32));
  const eph = () => { const secret = randomBytes(32); return { secret, publicKey: suite.x25519Public(secret) }; };
  const a = { suite, identity: id() }; const b = { suite, identity: id() };
  const ea = eph(); const eb = eph();
  const hb = openHello(a, sealHello(b, 2, false, 'N0CALL-2', eb), 'N0CALL-2');
  if (typeof hb === 'string') throw new Error(`hello: ${hb}`);
  const peer = SignedPeer.derive(a, ea, hb)!;
  const { coding, bytes } = encodeText(TEXT.slice(0, 160));
  const parcel = signParcel(suite, a.identity, { kind: 'msg', id: randomBytes(16), to: b.identity.addressBytes, time: 1_800_000_000, coding, body: bytes });
  const info = sealData(peer.txKey, 1, encodeInner({ kind: 'payload', bytes: parcel }), 'N0CALL-1', 'N0CALL-2');
  const frame = encodeUi({ dest: parseStation('N0CALL-2'), src: parseStation('N0CALL-1'), info });
  const onAir = frame.length + AX25.HDLC_OVERHEAD;
  return { chars: 160, coding, textBytes: bytes.length, smsParcel: parcel.length, linkInfo: info.length, ax25Frame: frame.length, onAir, goal: 280, reticulumAnchor: 370 };
};

// faults: the scenario as written; settled: messages once topology has settled (10 or 40 min);
// boot: one message 20 s after power-on, so the figure includes learning the topology.
const delivery = async (bitrate: number, mode: 'faults' | 'settled' | 'boot') => {
  const faults = mode === 'faults';
  const s = loadScenario('scenarios/sms-radio-3hop.yaml');
  s.radio = s.radio!.map((c) => ({ ...c, bitrate }));
  const settle = bitrate >= 1200 ? 10 * 60_000 : 40 * 60_000; // links up on every hop first
  if (mode === 'boot') {
    s.faults = [];
    s.sms = { messages: [{ at: 20_000, from: 'n0', to: 'n3', count: 1, every: 1000, text: TEXT }] };
    s.duration = 3 * 3_600_000;
  } else if (!faults) {
    s.faults = [];
    s.sms = { messages: [{ at: settle, from: 'n0', to: 'n3', count: 6, every: 120_000, text: TEXT }, { at: settle + 60_000, from: 'n3', to: 'n0', count: 2, every: 240_000, text: TEXT }] };
    s.duration = settle + 90 * 60_000;
  }
  const { summary } = await runScenario(s);
  const sms = summary.sms!;
  const shares = Object.values(summary.radio!.nodes).map((n) => n.controlShare);
  return {
    bitrate, mode, sent: sms.sent, deliveredOnce: sms.allDeliveredOnce, receipts: sms.receipts,
    deliveryMs: sms.deliveryMs, maxControlSharePct: Math.round(Math.max(...shares) * 10_000) / 100, frames: summary.radio!.channels.reduce((n, c) => n + c.frames, 0),
  };
};

const cwd = new URL('..', import.meta.url).pathname;
const cli = join(cwd, 'bin/skywire.js');

// Spawn to the node's "radio ... open" line (or, without a radio, its "listening" line).
const readyMs = async (withRadio: boolean, device: string): Promise<number> => {
  const home = mkdtempSync(join(tmpdir(), 'sky-rb-'));
  loadOrCreateIdentity(suite, home, () => new Uint8Array(randomBytes(32)));
  const radio = { device, bitrate: 1200, mode: 'amateur', callsign: 'N0CALL-3' };
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, listen: '127.0.0.1:0', ...(withRadio ? { radio } : {}) }));
  const w = spawnWatched([cli, 'node', '--home', home], cwd);
  try {
    const line = await w.waitFor(withRadio ? /radio .* open/ : /listening on udp/, 20_000);
    return line.atMs - w.spawnedAtMs;
  } finally {
    w.proc.kill('SIGKILL');
  }
};

const startup = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sky-rbp-'));
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    await readyMs(false, a); // warm the disk cache
    const withRadio: number[] = []; const without: number[] = [];
    for (let i = 0; i < 5; i++) { without.push(await readyMs(false, a)); withRadio.push(await readyMs(true, a)); }
    return { radioOpenMs: stats(withRadio), udpOnlyMs: stats(without), goalMs: 5000 };
  } finally {
    socat.kill();
  }
};

print('radio', {
  bytesOnAir: bytesOnAir(),
  delivery3Hops: [await delivery(1200, 'settled'), await delivery(300, 'settled'), await delivery(1200, 'boot'), await delivery(300, 'boot'), await delivery(1200, 'faults')],
  startup: await startup(),
});
