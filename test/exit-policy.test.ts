import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDestination, parseExitPolicy } from '../src/apps/exit-policy.ts';
import { readSocksConfig } from '../src/apps/builtin/socks/socks-config.ts';
import { isSkywireError } from '../src/errors.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const DEFAULT = parseExitPolicy({});

// [address, what it is, allowed by the default policy]
const TABLE: [string, string, boolean][] = [
  ['8.8.8.8', 'public v4', true],
  ['1.1.1.1', 'public v4', true],
  ['2606:4700:4700::1111', 'public v6', true],
  ['::ffff:8.8.8.8', 'mapped public v4', true],
  ['127.0.0.1', 'loopback', false],
  ['127.255.0.9', 'loopback /8', false],
  ['::1', 'v6 loopback', false],
  ['0:0:0:0:0:0:0:1', 'v6 loopback, long form', false],
  ['::ffff:127.0.0.1', 'mapped loopback', false],
  ['::ffff:7f00:1', 'mapped loopback, hex form', false],
  ['::ffff:10.1.2.3', 'mapped private', false],
  ['::ffff:169.254.169.254', 'mapped metadata service', false],
  ['10.0.0.1', 'private', false],
  ['172.16.0.1', 'private', false],
  ['172.31.255.254', 'private /12 end', false],
  ['172.32.0.1', 'just past 172.16/12', true],
  ['192.168.1.1', 'private', false],
  ['169.254.169.254', 'link-local (metadata)', false],
  ['100.64.0.1', 'CGNAT', false],
  ['100.128.0.1', 'just past CGNAT', true],
  ['0.0.0.0', 'unspecified', false],
  ['0.1.2.3', 'this network', false],
  ['::', 'v6 unspecified', false],
  ['224.0.0.1', 'multicast', false],
  ['239.255.255.250', 'multicast (SSDP)', false],
  ['255.255.255.255', 'broadcast', false],
  ['240.0.0.1', 'reserved', false],
  ['192.0.2.1', 'documentation', false],
  ['fc00::1', 'unique local', false],
  ['fd12:3456::1', 'unique local', false],
  ['fe80::1', 'v6 link-local', false],
  ['ff02::1', 'v6 multicast', false],
  ['2001:db8::1', 'v6 documentation', false],
  ['64:ff9b::7f00:1', 'NAT64 of loopback', false],
  ['::127.0.0.1', 'IPv4-compatible (deprecated)', false],
  ['2002:7f00:1::1', '6to4 embedding loopback', false],
];

test('default policy: public unicast only, including IPv4-mapped IPv6 forms of every denied range', (t) => {
  for (const [ip, what, ok] of TABLE) t.is(checkDestination(DEFAULT, ip, 443).ok, ok, `${ip} (${what})`);
});

test('a denial says what the address is and how to allow it', (t) => {
  const v = checkDestination(DEFAULT, '::ffff:127.0.0.1', 8080);
  t.false(v.ok);
  t.regex(v.ok ? '' : v.reason, /loopback.*"\[::ffff:127\.0\.0\.1\]:8080".*allow/);
  const w = checkDestination(DEFAULT, '192.168.1.1', 22);
  t.regex(w.ok ? '' : w.reason, /private.*"192\.168\.1\.1:22"/);
});

test('not an IP or a bad port is denied, not thrown', (t) => {
  t.false(checkDestination(DEFAULT, 'example.com', 80).ok);
  t.false(checkDestination(DEFAULT, '8.8.8.8', 0).ok);
  t.false(checkDestination(DEFAULT, '8.8.8.8', 65536).ok);
});

test('allow entries open holes by address, port and CIDR; deny entries win over allow and default', (t) => {
  const p = parseExitPolicy({
    allow: ['127.0.0.1:8080', '10.0.0.0/8', '192.168.1.5:*', '[::1]:9000', 'fd00::/8', '[fe80::/10]:22'],
    deny: ['10.9.0.0/16', '8.8.4.4', '[2606:4700::/32]:25'],
  });
  const cases: [string, number, boolean][] = [
    ['127.0.0.1', 8080, true], ['127.0.0.1', 8081, false], ['::ffff:127.0.0.1', 8080, true], ['127.0.0.2', 8080, false],
    ['10.1.2.3', 1, true], ['10.9.1.1', 80, false], ['11.0.0.1', 80, true],
    ['192.168.1.5', 1, true], ['192.168.1.5', 65535, true], ['192.168.1.6', 80, false],
    ['::1', 9000, true], ['::1', 9001, false], ['fd00::5', 80, true], ['fc00::5', 80, false], ['fe80::1', 22, true], ['fe80::1', 23, false],
    ['8.8.4.4', 53, false], ['8.8.8.8', 53, true], ['2606:4700::1', 25, false], ['2606:4700::1', 443, true],
  ];
  for (const [ip, port, ok] of cases) t.is(checkDestination(p, ip, port).ok, ok, `${ip} port ${port}`);
  const d = checkDestination(p, '10.9.1.1', 80);
  t.regex(d.ok ? '' : d.reason, /deny entry "10\.9\.0\.0\/16"/);
});

test('a bad entry or config is a CONFIG_INVALID error naming it', (t) => {
  const bad: [unknown, RegExp][] = [
    [{ allow: ['10.0.0.0/33'] }, /allow\[0\].*"10\.0\.0\.0\/33".*prefix length outside 0\.\.32/],
    [{ allow: ['127.0.0.1', 'localhost:80'] }, /allow\[1\].*"localhost:80"/],
    [{ deny: ['1.2.3.4:70000'] }, /deny\[0\].*port outside/],
    [{ deny: ['300.1.1.1'] }, /deny\[0\].*no valid IP/],
    [{ allow: '10.0.0.0/8' }, /allow/],
    [{ auth: { username: 'u' } }, /auth\.password/],
    [{ auth: { username: 'u', password: 'x'.repeat(256) } }, /auth\.password.*255 bytes/],
    [{ allwo: [] }, /allwo|unrecognized/i],
  ];
  for (const [doc, re] of bad) {
    const e = t.throws(() => parseExitPolicy(doc, 'socks.json'), undefined, JSON.stringify(doc));
    t.true(isSkywireError(e, 'CONFIG_INVALID'), JSON.stringify(doc));
    t.regex(e!.message, re);
  }
  const v6 = parseExitPolicy({ allow: ['::1'] });
  t.true(checkDestination(v6, '::1', 1234).ok, 'a bare IPv6 address without brackets is all ports');
});

test('config/socks.json: missing means defaults, present is parsed, garbage is a clear error', (t) => {
  const dir = tempDir('sky-socks-cfg-');
  const none = readSocksConfig(dir);
  t.is(none.auth, undefined);
  t.false(checkDestination(none, '127.0.0.1', 80).ok);
  writeFileSync(join(dir, 'socks.json'), JSON.stringify({ allow: ['127.0.0.1:80'], auth: { username: 'a', password: 'b' } }));
  const some = readSocksConfig(dir);
  t.deepEqual(some.auth, { username: 'a', password: 'b' });
  t.true(checkDestination(some, '127.0.0.1', 80).ok);
  writeFileSync(join(dir, 'socks.json'), '{"allow": [');
  const e = t.throws(() => readSocksConfig(dir));
  t.true(isSkywireError(e, 'CONFIG_INVALID'));
  t.regex(e!.message, /socks\.json: not JSON/);
});
