import test from 'ava';
import { spawn } from 'node:child_process';
import { startFleet, type Fleet } from './helpers/fleet.ts';
import { startForward, type ForwardProc } from './helpers/forward-cli.ts';
import { sshdUnavailable, startSshd, type Sshd } from './helpers/sshd.ts';

// A stock OpenSSH client reaches a real sshd on node n through `skywire forward` on master m,
// over the 2-hop route m-r-n.
const missing = sshdUnavailable();
const maybe = missing && process.env.CI !== 'true' ? test.skip : test;
if (missing) console.log(`forward-ssh: ${process.env.CI === 'true' ? 'FAILING (CI)' : 'skipped'}: ${missing}`);

let fleet: Fleet | undefined;
let sshd: Sshd | undefined;
let fwd: ForwardProc | undefined;
test.after.always(() => {
  fwd?.proc.kill();
  sshd?.stop();
  fleet?.stop();
});

maybe('ssh -p LPORT root@127.0.0.1 echo ok reaches the node\'s sshd through the forward', async (t) => {
  if (missing) return t.fail(`CI must run this test: ${missing}`);
  sshd = await startSshd();
  fleet = await startFleet({ names: ['m', 'r', 'n'], edges: [['m', 'r'], ['r', 'n']], master: 'm' });
  t.is((await fleet.route('m', 'n')).length, 3);
  fwd = await startForward(fleet.get('n').address, '127.0.0.1', sshd.port, fleet.get('m').ctl);
  const ssh = spawn('/usr/bin/ssh', ['-p', String(fwd.lport), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-i', sshd.clientKey, 'root@127.0.0.1', 'echo ok'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  ssh.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  ssh.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await new Promise<number | null>((r) => ssh.on('exit', r));
  t.is(code, 0, `ssh: ${err}\nforward: ${fwd.output()}\nsshd: ${sshd.output()}`);
  t.is(out, 'ok\n');
});
