import test from 'ava';
import { spawn } from 'node:child_process';
import { sky, until } from './helpers/cli.ts';
import { NetLab, netnsUnavailable } from './helpers/netns.ts';
import { startFleet, TERM_ARGV, type Fleet } from './helpers/fleet.ts';
import { startForward, type ForwardProc } from './helpers/forward-cli.ts';
import { sshdUnavailable, startSshd, type Sshd } from './helpers/sshd.ts';

// The personal cloud across real network namespaces: master m, public relay r, and node n whose
// namespace drops every new inbound packet. n links out to r; the master registers it, opens a
// terminal on it and lets a stock ssh client reach the sshd inside n's namespace, all through r.
// n runs as a topology stub, as a Pi behind a relay would: it fetches the master's records from r.
const why = netnsUnavailable() ?? sshdUnavailable();
const maybe = why && process.env.CI !== 'true' ? test.skip : test.serial;
if (why) console.log(`netns-fleet: ${process.env.CI === 'true' ? 'FAILING (CI)' : 'skipped'}: ${why}`);

let lab: NetLab | undefined;
let fleet: Fleet | undefined;
let sshd: Sshd | undefined;
let fwd: ForwardProc | undefined;
test.after.always(() => {
  fwd?.proc.kill();
  sshd?.stop();
  fleet?.stop();
  lab?.destroy();
});

interface NodeRow { name: string; address: string; online: boolean; via: string }

maybe('firewalled node: registered via the relay, a terminal on it, and ssh through forward', async (t) => {
  if (why) return t.fail(`CI must run this test: ${why}`);
  lab = new NetLab('swfl', 79);
  const ip: Record<string, string> = { r: lab.host('r', 1), n: lab.host('n', 2), m: lab.host('m', 3) };
  lab.firewall('n');
  fleet = await startFleet({
    names: ['m', 'r', 'n'], edges: [['m', 'r'], ['r', 'n']], master: 'm', stubs: ['n'],
    host: (name) => ip[name]!,
    spawn: (name, cmd, args) => lab!.spawn(name, cmd, args),
  });
  const m = fleet.get('m');
  const n = fleet.get('n');
  const r = fleet.get('r');
  t.deepEqual(await fleet.route('m', 'n', 40_000), [m.address, r.address, n.address]);
  const row = await until(() => {
    const out = sky('nodes', '--home', m.home, '--json');
    return out.code === 0 ? (JSON.parse(out.stdout) as NodeRow[]).find((x) => x.address === n.address && x.online && x.via === r.address) : undefined;
  }, 40_000, 'n registered with the master via r');
  t.is(row.name, 'n');
  // A stub: its own record, r's, and m's (fetched from r to reach the master), not the fleet's.
  const topo = (JSON.parse(sky('status', '--home', n.home, '--json').stdout) as { topology: { records: number; stub: boolean } }).topology;
  t.true(topo.stub);
  t.true(topo.records <= 3, `n holds ${topo.records} records`);
  // The firewall is real: a new flow into n (from r's namespace, a port n never talked to) is
  // dropped. Whether r's own first handshake was dropped depends on which node started first.
  const before = lab.droppedInbound('n');
  const probe = lab.exec('r', process.execPath, ['-e', `
    const s = require('node:dgram').createSocket('udp4');
    let k = 0; const go = () => s.send(Buffer.from('hello'), ${n.port}, '${ip.n}', () => { if (++k < 5) go(); else s.close(); }); go();`]);
  t.is(probe.code, 0, probe.stderr);
  await until(() => (lab!.droppedInbound('n') >= before + 5 ? true : undefined), 5000, 'the firewall drops new inbound packets');

  const term = spawn(process.execPath, [...TERM_ARGV, 'term', n.address, '--home', m.home], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  term.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  term.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  term.stdin.end('ip -4 -o addr show | grep -c "10.79.0.2/" ; exit 7\n');
  t.is(await new Promise<number | null>((res) => term.on('exit', res)), 7, out);
  t.regex(out, /[\r\n]1\r*\n/, 'the shell runs inside n\'s namespace');

  sshd = await startSshd(['ip', 'netns', 'exec', lab.ns('n')]);
  fwd = await startForward(n.address, '127.0.0.1', sshd.port, m.home);
  const ssh = spawn('/usr/bin/ssh', ['-p', String(fwd.lport), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-i', sshd.clientKey, 'root@127.0.0.1', 'cat /proc/net/dev | grep -c swfl2i'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let sout = '';
  let serr = '';
  ssh.stdout.on('data', (c: Buffer) => { sout += c.toString(); });
  ssh.stderr.on('data', (c: Buffer) => { serr += c.toString(); });
  t.is(await new Promise<number | null>((res) => ssh.on('exit', res)), 0, `ssh: ${serr}\nforward: ${fwd.output()}\nsshd: ${sshd.output()}`);
  t.is(sout, '1\n', 'ssh landed in n\'s namespace (its veth is there)');
});
