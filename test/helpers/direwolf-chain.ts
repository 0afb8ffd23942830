// Two direwolf 1.6 software TNCs wired back to back through audio, as the issue describes:
// each reads receive audio from stdin (ADEVICE stdin) and writes transmit audio to an ALSA
// `type file` PCM (slave null, format raw) pointing at a FIFO, which is pumped into the other
// one's stdin at the sample rate with silence between transmissions (test/helpers/audio-pump.ts).
// Each offers a KISS pseudo-terminal (-p); we use the /dev/pts path it prints, not the shared
// /tmp/kisstnc symlink, so two chains (or other users) on one machine do not collide.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { startPump } from './audio-pump.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './temp-dirs.ts';

export interface Tnc { proc: ChildProcess; pty: string; log: () => string }
export interface Chain { a: Tnc; b: Tnc; stop(): Promise<void> }

const RATE = 44_100;

const startTnc = (dir: string, name: string, call: string, modem: number, outFifo: string): { proc: ChildProcess; ready: Promise<Tnc> } => {
  const home = join(dir, `home-${name}`);
  mkdirSync(home);
  writeFileSync(join(home, '.asoundrc'), `pcm.txout {\n  type file\n  slave.pcm "null"\n  file "${outFifo}"\n  format "raw"\n}\n`);
  const conf = join(dir, `${name}.conf`);
  // AGWPORT/KISSPORT 0: no network listeners, so parallel chains do not fight over ports.
  writeFileSync(conf, `ADEVICE stdin txout\nARATE ${RATE}\nACHANNELS 1\nCHANNEL 0\nMYCALL ${call}\nMODEM ${modem}\nAGWPORT 0\nKISSPORT 0\n`);
  const proc = spawn('direwolf', ['-c', conf, '-p', '-t', '0', '-q', 'hd'], { cwd: dir, env: { ...process.env, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<Tnc>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`direwolf ${name} did not offer a KISS pty:\n${out}`)), 10_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /Virtual KISS TNC is available on (\/dev\/pts\/\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc, pty: m[1]!, log: () => out }); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`direwolf ${name} exited (${code}):\n${out}`)); });
  });
  return { proc, ready };
};

export const startChain = async (modem: number): Promise<Chain> => {
  const dir = tempDir('sky-dw-');
  const ab = join(dir, 'a-to-b.fifo');
  const ba = join(dir, 'b-to-a.fifo');
  for (const f of [ab, ba]) spawnSync('mkfifo', [f]);
  const sa = startTnc(dir, 'a', 'N0CALL-1', modem, ab);
  const sb = startTnc(dir, 'b', 'N0CALL-2', modem, ba);
  // direwolf opens its ALSA output (blocking on the FIFO until a reader exists) before it offers
  // the KISS pty, so the pumps must open the FIFOs first.
  const pumps = [startPump(ab, sb.proc.stdin!, RATE * 2), startPump(ba, sa.proc.stdin!, RATE * 2)];
  const [ra, rb] = await Promise.allSettled([sa.ready, sb.ready]);
  if (ra.status === 'rejected' || rb.status === 'rejected') {
    for (const p of pumps) p.stop();
    sa.proc.kill();
    sb.proc.kill();
    throw ra.status === 'rejected' ? ra.reason : (rb as PromiseRejectedResult).reason;
  }
  const a = ra.value;
  const b = rb.value;
  const stop = async (): Promise<void> => {
    for (const p of pumps) p.stop();
    for (const t of [a, b]) {
      if (t.proc.exitCode !== null) continue;
      const gone = new Promise((r) => t.proc.once('exit', r));
      t.proc.kill('SIGTERM');
      await gone;
    }
    // direwolf -p always points /tmp/kisstnc at its pty and leaves it behind: remove it when it
    // is one of ours (another direwolf on the machine may own it).
    try {
      if ([a.pty, b.pty].includes(readlinkSync('/tmp/kisstnc'))) unlinkSync('/tmp/kisstnc');
    } catch { /* not there, or not a link */ }
  };
  return { a, b, stop };
};
