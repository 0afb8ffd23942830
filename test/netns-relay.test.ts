import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, tmpHome, until } from './helpers/cli.ts';
import { NetLab, netnsUnavailable } from './helpers/netns.ts';

// Three network namespaces on one bridge: a public relay, a master, and a node whose namespace
// drops every new inbound packet (nftables, stateful). The node links out to the relay; the
// master reaches it only as a route through the relay.
const why = netnsUnavailable();
const maybe = why && process.env.CI !== 'true' ? test.skip : test.serial;
if (why) console.log(`netns-relay: ${why}`);

maybe('a firewalled node is reachable through a relay it links out to; direct packets to it are dropped', async (t) => {
  const lab = new NetLab('swrl', 77);
  t.teardown(() => lab.destroy());
  const ip = { relay: lab.host('relay', 1), node: lab.host('node', 2), master: lab.host('master', 3) };
  lab.firewall('node');
  const home: Record<string, string> = {};
  const addr: Record<string, string> = {};
  for (const n of ['relay', 'node', 'master']) {
    home[n] = tmpHome(`ns${n}`);
    t.is(sky('init', '--home', home[n]!).code, 0);
    addr[n] = (JSON.parse(sky('id', '--home', home[n]!, '--json').stdout) as { address: string }).address;
  }
  const link = { keepaliveMs: 1000, deadAfterMs: 4000 };
  const relayPeer = `${addr.relay}@${ip.relay}:7000`;
  writeFileSync(join(home.relay!, 'config.json'), JSON.stringify({ name: 'relay', listen: `${ip.relay}:7000`, acceptUnknown: true, link }));
  writeFileSync(join(home.node!, 'config.json'), JSON.stringify({ name: 'node', listen: '0.0.0.0:7000', peers: [relayPeer], link }));
  writeFileSync(join(home.master!, 'config.json'), JSON.stringify({ name: 'master', listen: `${ip.master}:7000`, peers: [relayPeer], link }));
  const out: Record<string, string> = {};
  for (const n of ['relay', 'node', 'master']) {
    const p = lab.spawn(n, process.execPath, [BIN, 'node', '--home', home[n]!]);
    out[n] = '';
    p.stdout!.on('data', (c: Buffer) => { out[n] += c.toString(); });
    p.stderr!.on('data', (c: Buffer) => { out[n] += c.toString(); });
  }
  const route = await until(() => {
    const r = sky('route', addr.node!, '--home', home.master!, '--json');
    const j = r.code === 0 ? (JSON.parse(r.stdout) as { state: string; path: string[] }) : undefined;
    return j?.state === 'established' ? j : undefined;
  }, 30_000, `route master->node; relay log:\n${out.relay}`);
  t.deepEqual(route.path, [addr.master, addr.relay, addr.node]);

  const ping = JSON.parse(sky('ping', addr.node!, '--home', home.master!, '--count', '3', '--json').stdout) as { probes: { hops: number; rttMs: number | null }[] };
  t.true(ping.probes.filter((p) => p.rttMs !== null).length >= 2);
  t.true(ping.probes.every((p) => p.rttMs === null || p.hops === 2));

  // The master holds a link only to the relay: the node has no inbound path of its own.
  const status = JSON.parse(sky('status', '--home', home.master!, '--json').stdout) as { links: { peer: string; state: string }[] };
  t.deepEqual(status.links.map((l) => l.peer), [addr.relay]);

  // A datagram sent straight from the master's namespace to the node is dropped by its firewall.
  const before = lab.droppedInbound('node');
  const probe = lab.exec('master', process.execPath, ['-e', `
    const s = require('node:dgram').createSocket('udp4');
    let n = 0; const go = () => s.send(Buffer.from('hello'), 7000, '${ip.node}', () => { if (++n < 5) go(); else s.close(); }); go();`]);
  t.is(probe.code, 0, probe.stderr);
  await until(() => (lab.droppedInbound('node') >= before + 5 ? true : undefined), 5000, 'firewall drop counter');

  // skywire doctor asks the relay how it sees each: the firewalled node is at its own address
  // (no NAT) but not reachable unasked (the relay's echo from another port is dropped); the
  // master, with no firewall, is reachable directly.
  const docNode = sky('doctor', '--home', home.node!);
  t.regex(docNode.stdout, new RegExp(`^ ok +nat +none: ${addr.relay} sees this node at its own address ${ip.node.replace(/\./g, '\\.')}:7000`, 'm'), docNode.stdout);
  t.regex(docNode.stdout, new RegExp(`^warn +udp inbound +not reachable unasked: .*${addr.relay}`, 'm'), docNode.stdout);
  const docMaster = sky('doctor', '--home', home.master!);
  t.regex(docMaster.stdout, new RegExp(`^ ok +udp inbound +reachable from outside: ${addr.relay}'s datagram from another port arrived`, 'm'), docMaster.stdout);
  const relayStatus = JSON.parse(sky('status', '--home', home.relay!, '--json').stdout) as { drops: Record<string, number> };
  t.falsy(relayStatus.drops['probe-not-member'], 'no master configured: the relay answers its linked peers');
  t.pass();
});

maybe('skywire doctor says a node is behind a port-translating NAT and not reachable unasked', async (t) => {
  const lab = new NetLab('swnt', 78);
  t.teardown(() => lab.destroy());
  const ip = { relay: lab.host('relay', 1), node: lab.host('node', 2) };
  lab.portNat('node', 7000, 17000);
  const home: Record<string, string> = {};
  const addr: Record<string, string> = {};
  for (const n of ['relay', 'node']) {
    home[n] = tmpHome(`nt${n}`);
    t.teardown(() => rmSync(home[n]!, { recursive: true, force: true }));
    t.is(sky('init', '--home', home[n]!).code, 0);
    addr[n] = (JSON.parse(sky('id', '--home', home[n]!, '--json').stdout) as { address: string }).address;
  }
  writeFileSync(join(home.relay!, 'config.json'), JSON.stringify({ name: 'relay', listen: `${ip.relay}:7000`, acceptUnknown: true }));
  writeFileSync(join(home.node!, 'config.json'), JSON.stringify({ name: 'node', listen: '0.0.0.0:7000', relays: [`${addr.relay}@${ip.relay}:7000`] }));
  for (const n of ['relay', 'node']) lab.spawn(n, process.execPath, [BIN, 'node', '--home', home[n]!]);
  await until(() => {
    const r = sky('status', '--home', home.node!, '--json');
    return r.code === 0 && (JSON.parse(r.stdout) as { links: { state: string }[] }).links.some((l) => l.state === 'up') ? true : undefined;
  }, 30_000, 'node linked to the relay');
  const doc = sky('doctor', '--home', home.node!);
  t.regex(doc.stdout, new RegExp(`^warn +nat +the port is translated: ${addr.relay} sees ${ip.node.replace(/\./g, '\\.')}:17000, this node listens on 0\\.0\\.0\\.0:7000`, 'm'), doc.stdout);
  t.regex(doc.stdout, /^warn +udp inbound +not reachable unasked/m, doc.stdout);
  t.regex(doc.stdout, /^ ok +relay +nearest /m, doc.stdout);
});
