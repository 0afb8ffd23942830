import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missing, startSocat } from './helpers/radio-pty.ts';
import { sky, skyDaemon, tmpHome, until, type Daemon } from './helpers/cli.ts';

// `skywire node` with a radio in config.json whose TNC is not there yet (socat pty pairs stand
// in for two USB TNCs): the node runs, says what is missing and how to fix it, and links over
// the radio once the device appears, with no restart.
const skip = missing('socat');
const run = skip ? test.skip : test.serial;
if (skip) test('radio node', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

interface Status { links: { peer: string; state: string }[]; radio: { serial: string; error: string | null; mode: string; station: string | null } | null }
const status = (home: string): Status | undefined => {
  const r = sky('status', '--home', home, '--json');
  return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
};

run('a missing TNC is reported with the fix and retried; the radio links once the device appears', async (t) => {
  t.timeout(90_000);
  const dir = tmpHome('radio-devs');
  const dev = [join(dir, 'tnc-a'), join(dir, 'tnc-b')];
  const homes = [tmpHome('rna'), tmpHome('rnb')];
  const addr = homes.map((h) => {
    sky('init', '--home', h);
    return (JSON.parse(sky('id', '--home', h, '--json').stdout) as { address: string }).address;
  });
  const calls = ['N0CALL-5', 'N0CALL-6'];
  const daemons: Daemon[] = [];
  let socat: Awaited<ReturnType<typeof startSocat>> | undefined;
  t.teardown(async () => { for (const d of daemons) d.proc.kill('SIGKILL'); await socat?.stop(); });
  homes.forEach((h, i) => {
    const radio = { device: dev[i], bitrate: 9600, txDelayMs: 10, mode: 'amateur', callsign: calls[i], pollMs: 200, peers: [`${addr[1 - i]}@${calls[1 - i]}`] };
    writeFileSync(join(h, 'config.json'), JSON.stringify({ version: 1, listen: '127.0.0.1:0', radio }));
    daemons.push(skyDaemon('node', '--home', h));
  });
  const waiting = await until(() => status(homes[0]!)?.radio ?? undefined, 20_000, 'node a running');
  t.is(waiting.serial, 'missing');
  t.regex(waiting.error ?? '', new RegExp(`${dev[0]} does not exist.*radio\\.device`));
  t.regex(sky('status', '--home', homes[0]!).stdout, /radio amateur 9600 bit\/s on .*tnc-a: missing as N0CALL-5 \(serial device/);
  await until(() => (/radio: serial device .* does not exist/.test(daemons[0]!.output()) ? true : undefined), 5000, 'the warning in the log');

  socat = await startSocat(dev[0]!, dev[1]!);
  for (const i of [0, 1]) {
    const s = await until(() => {
      const x = status(homes[i]!);
      return x?.links.some((l) => l.peer === addr[1 - i] && l.state === 'up') ? x : undefined;
    }, 30_000, `radio link up at ${i}`);
    t.is(s.radio?.serial, 'open');
    t.is(s.radio?.station, calls[i]);
    t.is(s.radio?.error, null);
  }
  t.is(daemons[0]!.output().match(/does not exist/g)?.length, 1, 'reported once, not on every retry');
});
