// The master's web dashboard in a real browser (Debian's chromium, driven by playwright-core)
// against the installed CLI: a master with --web and --approval, two admitted nodes and one
// held for approval, all real processes on loopback.
import test from 'ava';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, greet, writeHello } from './helpers/hello-app.ts';
import { sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { addressOf, bootNode, bootText, identity, killAll, port, startMaster, waitNode, writeBoot, type Proc } from './helpers/master-world.ts';

const CHROMIUM = '/usr/bin/chromium';
// The functions given to page.waitForFunction run in the browser.
declare const document: { querySelector(s: string): { textContent: string | null } | null };

let m: Proc;
let a: Proc;
let b: Proc;
let held: Proc;
let base: string;
let token: string;
let browser: Browser;

/** Boots an identity made beforehand (so it could be allowlisted) from its own boot file. */
const bootOn = (p: Proc, name: string): Proc => {
  const dir = tmpHome(`${name}-boot`);
  writeBoot(dir, bootText(m, m, name));
  p.port = port();
  p.daemon = skyDaemon('node', '--home', p.home, '--boot', dir, '--listen', `127.0.0.1:${p.port}`, '--heartbeat-ms', '500');
  return p;
};

test.before(async () => {
  // Held for approval unless allowlisted: the two fleet nodes are; the third waits.
  const ida = identity('web-a');
  const idb = identity('web-b');
  m = startMaster('--web', '127.0.0.1:0', '--approval', '--allow', ida.address, '--allow', idb.address, '--offline-after-ms', '4000');
  base = (await until(() => /dashboard (http:\/\/127\.0\.0\.1:\d+\/)/.exec(m.daemon!.output())?.[1], 30_000, 'dashboard URL')).replace(/\/$/, '');
  token = readFileSync(join(m.home, 'web-login'), 'utf8').trim();
  a = bootOn(ida, 'web-a');
  b = bootOn(idb, 'web-b');
  held = bootNode('web-held', bootText(m, m, 'web-held'));
  await addressOf(held);
  // Registered (the held one waiting) before any test looks.
  await waitNode(m, 'web-held', (n) => n.enrolment === 'pending', 'web-held pending');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

test.after.always(async () => {
  await browser?.close();
  killAll([m, a, b, held].filter(Boolean));
});

/** A raw HTTP request with full control of Host, Origin and Cookie. */
const raw = (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> =>
  new Promise((resolve, reject) => {
    const u = new URL(base + path);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: { ...(data ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    // An accepted WebSocket answers 101 and never ends as a response.
    req.on('upgrade', (res, sock) => { sock.destroy(); resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers }); });
    req.on('error', reject);
    req.end(data);
  });

const origin = (): string => base;
const hostOf = (): string => new URL(base).host;

const loggedIn = async (): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(base + '/');
  await page.fill('input[name=token]', token);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('header .live[data-live=true]', { timeout: 20_000 });
  return page;
};

test.serial('nothing is reachable without the session, from another origin, by another host name, or without the CSRF token', async (t) => {
  const h = { Host: hostOf() };
  t.is((await raw('GET', '/api/nodes', h)).status, 401, 'no session');
  t.is((await raw('POST', '/api/login', { ...h, Origin: origin() }, { token: 'wrong' })).status, 401, 'wrong token');
  t.is((await raw('POST', '/api/login', { ...h, Origin: 'http://evil.example' }, { token })).status, 403, 'login from another origin');
  t.is((await raw('GET', '/api/nodes', { Host: 'evil.example:80' })).status, 421, 'a DNS-rebinding host name');
  const ok = await raw('POST', '/api/login', { ...h, Origin: origin() }, { token });
  t.is(ok.status, 200);
  const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
  t.regex(String(ok.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  t.regex(String(ok.headers['content-security-policy']), /default-src 'self'/);
  const csrf = (JSON.parse(ok.body) as { csrf: string }).csrf;
  t.is((await raw('GET', '/api/nodes', { ...h, Cookie: cookie })).status, 200, 'with the session');
  t.is((await raw('GET', '/api/nodes', { Host: 'evil.example', Cookie: cookie })).status, 421, 'the session does not help another host name');
  const body = { node: held.address };
  t.is((await raw('POST', '/api/approve', { ...h, Cookie: cookie, Origin: origin() }, body)).status, 403, 'no CSRF token');
  t.is((await raw('POST', '/api/approve', { ...h, Cookie: cookie, Origin: 'http://evil.example', 'X-CSRF-Token': csrf }, body)).status, 403, 'wrong Origin');
  t.is((await raw('POST', '/api/approve', { ...h, Cookie: cookie, 'X-CSRF-Token': csrf }, body)).status, 403, 'no Origin');
  // WebSockets: the feed and the terminal need the session and this origin too.
  const ws = (headers: Record<string, string>, path = '/api/feed'): Promise<number> => raw('GET', path, { ...h, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers }).then((r) => r.status);
  t.is(await ws({ Origin: origin() }), 401, 'feed without session');
  t.is(await ws({ Origin: 'http://evil.example', Cookie: cookie }), 403, 'feed from another origin');
  t.is(await ws({ Origin: origin() }, `/api/term?node=${a.address}`), 401, 'terminal without session');
  t.is(await ws({ Origin: origin(), Cookie: cookie }), 101, 'feed with session and origin');
  // The held node is still held: none of the refused requests did anything.
  const list = JSON.parse((await raw('GET', '/api/nodes', { ...h, Cookie: cookie })).body) as { address: string; enrolment: string }[];
  t.is(list.find((n) => n.address === held.address)?.enrolment, 'pending');
});

test.serial('log in; the fleet appears live with metrics; a killed node goes offline on the page within its heartbeat expiry', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.waitForSelector(`.viewport .row[data-address="${a.address}"][data-state=online]`, { timeout: 30_000 });
  await page.waitForSelector(`.viewport .row[data-address="${b.address}"][data-state=online]`, { timeout: 30_000 });
  // Device data from the heartbeat: memory is known on any Linux machine.
  await until(async () => ((await page.textContent(`.viewport .row[data-address="${a.address}"] .c-mem`))?.includes('%') ? true : undefined), 20_000, 'memory shown');
  t.regex((await page.textContent('header .counts')) ?? '', /pending/);
  b.daemon!.proc.kill('SIGKILL');
  await page.waitForSelector(`.viewport .row[data-address="${b.address}"][data-state=offline]`, { timeout: 20_000 });
  t.pass();
});

test.serial('approvals: the held node shows its claimed name and address, and Approve admits it', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(base + '/#/approvals');
  const card = `.card[data-address="${held.address}"]`;
  await page.waitForSelector(card, { timeout: 20_000 });
  t.is(await page.textContent(`${card} .claimed`), 'web-held');
  await page.click(`${card} button[data-act=approve]`);
  await page.goto(base + '/#/fleet');
  await page.waitForSelector(`.viewport .row[data-address="${held.address}"][data-state=online]`, { timeout: 30_000 });
  t.pass();
});

test.serial('node page: a config with an error shows it beside the field and cannot be applied; a good one is applied', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(`${base}/#/node/${a.address}`);
  await page.waitForSelector('textarea[data-field=listen]', { timeout: 30_000 });
  await page.fill('textarea[data-field=listen]', '5');
  await page.waitForSelector('[data-error-for=listen]:not(:empty)', { timeout: 10_000 });
  t.regex((await page.textContent('[data-error-for=listen]')) ?? '', /^listen: /);
  t.true(await page.isDisabled('button[data-act=apply-config]'));
  await page.fill('textarea[data-field=listen]', '"not json');
  await page.waitForSelector('[data-error-for=listen]:has-text("not valid JSON")', { timeout: 10_000 });
  await page.fill('textarea[data-field=listen]', '');
  await page.fill('textarea[data-field=name]', '"web-a"');
  await until(async () => (await page.isEnabled('button[data-act=apply-config]') ? true : undefined), 10_000, 'apply enabled');
  t.is(await page.textContent('[data-error-for=listen]'), '');
  await page.click('button[data-act=apply-config]');
  await page.waitForSelector('.config .result:has-text("applied")', { timeout: 30_000 });
  // Links and routes as the node reports them.
  await page.waitForSelector('.link-table tr[data-state=up]', { timeout: 20_000 });
});

test.serial('terminal in the browser: echo runs on the node and the exit status is shown', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(`${base}/#/node/${a.address}`);
  await page.click('button[data-act=terminal]');
  await page.waitForSelector('.term-status:has-text("connected")', { timeout: 30_000 });
  await page.keyboard.type('echo dash-$((6*7)); exit 3\n');
  await page.waitForSelector('.term-status[data-ended=true]', { timeout: 30_000 });
  t.is(await page.textContent('.term-status'), 'the shell exited with status 3');
  t.regex((await page.textContent('.xterm-rows')) ?? '', /dash-42/);
});

test.serial('topology: the fleet is laid out as a graph with the master and its nodes', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(`${base}/#/topology`);
  await page.waitForSelector('.topology[data-layout-ms]', { timeout: 30_000 });
  t.true(Number(await page.getAttribute('.topology', 'data-nodes')) >= 4);
});

test.serial('CLI: skywire metrics, nodes tag and exec --tag, and skywire logs (recent lines, an unknown app refused in one line)', async (t) => {
  const metrics = sky('metrics', 'web-a', '--home', m.home, '--json');
  t.is(metrics.code, 0, metrics.stderr);
  const mm = JSON.parse(metrics.stdout) as { metrics: { memTotalMB?: number; uptimeS?: number; apps?: object } };
  t.true((mm.metrics.memTotalMB ?? 0) > 0 && (mm.metrics.uptimeS ?? 0) > 0);
  t.regex(sky('metrics', 'web-a', '--home', m.home).stdout, /^memory\s+\d+ MB of \d+ MB$/m);
  t.regex(sky('nodes', 'tag', 'web-a', 'kitchen', 'canary', '--home', m.home).stdout, /tags canary, kitchen/);
  const ex = sky('exec', '--tag', 'canary', '--home', m.home, '--', 'echo', 'tagged');
  t.is(ex.code, 0, ex.stdout + ex.stderr);
  t.regex(ex.stdout, /== web-a: exit 0\ntagged\n/);
  t.false(ex.stdout.includes('web-b'), 'only the tagged node');
  const none = sky('exec', '--tag', 'nosuchtag', '--home', m.home, '--', 'true');
  t.is(none.code, 2);
  t.regex(none.stderr, /^skywire: error \[UNKNOWN_TAG\]: no accepted node is tagged "nosuchtag"/);
  t.regex(sky('nodes', '--home', m.home).stdout, /web-a .*canary,kitchen/);
  t.regex(sky('nodes', 'untag', 'web-a', 'kitchen', '--home', m.home).stdout, /tags canary$/m);
  const logs = sky('logs', 'web-a', '--home', m.home, '-n', '50');
  t.is(logs.code, 0, logs.stderr);
  t.regex(logs.stdout, /registered with master/);
  const bad = sky('logs', 'web-a', '--home', m.home, '--app', 'nope');
  t.not(bad.code, 0);
  t.regex(bad.stderr, /^skywire: error \[COMMAND_REFUSED\]: .*there is no app "nope" on this node\n$/);
});

test.serial('node page: the node\'s log is shown and follows new lines', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(`${base}/#/node/${a.address}`);
  // A loaded machine's node may miss the first-frame deadline; the page asks again.
  await page.waitForSelector('.log-box:has-text("registered with master")', { timeout: 90_000 });
  t.is(await page.locator('text=only admitted nodes show their logs').count(), 0, 'the placeholder is gone');
  // A config push makes the node log a line; the followed log shows it.
  const file = join(tmpHome('web-cfg'), 'config.json');
  writeFileSync(file, JSON.stringify({ name: 'web-a' }));
  const push = sky('config', 'set', 'web-a', file, '--home', m.home);
  t.is(push.code, 0, push.stderr);
  const applied = /config version (\d+) applied/.exec(push.stdout)![1]!;
  await page.waitForSelector(`.log-box:has-text("config version ${applied} applied")`, { timeout: 30_000 });
  t.is(await page.textContent('.log-status'), 'following');
});

test.serial('deploy from the page: to a tag with a progress bar and "committed"; a broken version to one node is rolled back with its reason', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  const good = build(writeHello('1.0.0'));
  const broken = build(writeHello('2.0.0', true));
  await page.goto(`${base}/#/deploy`);
  await page.setInputFiles('input[name=bundle]', good.file);
  await page.selectOption('select[name=kind]', 'tag');
  await page.selectOption('select[name=target]', 'canary');
  await page.click('button[data-act=deploy]');
  await page.waitForSelector(`.deploy-row[data-address="${a.address}"] progress`, { timeout: 30_000 });
  await page.waitForSelector(`.deploy-row[data-address="${a.address}"] .phase[data-outcome=committed]`, { timeout: 90_000 });
  t.is(await page.$$eval('.deploy-row', (r) => r.length), 1, 'only the tagged node');
  await page.setInputFiles('input[name=bundle]', broken.file);
  await page.selectOption('select[name=kind]', 'node');
  await page.selectOption('select[name=target]', a.address);
  await page.click('button[data-act=deploy]');
  await page.waitForSelector(`.deploy-row[data-address="${a.address}"] .phase[data-outcome=rolled-back]`, { timeout: 90_000 });
  t.regex((await page.textContent(`.deploy-row[data-address="${a.address}"] .verdict`)) ?? '', /\S/);
  // The node still runs v1, and the fleet table shows the app from its heartbeat.
  await page.goto(`${base}/#/fleet`);
  await page.waitForSelector(`.viewport .row[data-address="${a.address}"] .c-apps:has-text("hello")`, { timeout: 30_000 });
});

test.serial('node page: an app\'s config edited and applied (the app restarts), then the app moved to another node', async (t) => {
  const page = await loggedIn();
  t.teardown(() => page.close());
  await page.goto(`${base}/#/node/${a.address}`);
  await page.click('tr[data-app=hello] button[data-act=app-config]', { timeout: 30_000 });
  await page.waitForSelector('textarea[data-app-file="greeting.txt"]', { timeout: 30_000 });
  t.is(await page.inputValue('textarea[data-app-file="greeting.txt"]'), 'hello');
  await page.fill('textarea[data-app-file="greeting.txt"]', 'howdy');
  await page.click('button[data-act=apply-app-config]');
  await page.waitForSelector('.app-editor .result:has-text("applied, app restarted")', { timeout: 60_000 });
  t.regex(greet(m, 'web-a'), /^howdy 1\.0\.0/);
  page.once('dialog', (d) => void d.accept());
  await page.selectOption('.app-editor select', held.address);
  await page.click('button[data-act=move-app]');
  await page.waitForSelector('.app-editor .result:has-text("moved")', { timeout: 120_000 });
  t.regex(greet(m, 'web-held'), /^howdy 1\.0\.0/, 'the config moved with the app');
});

test.serial('npm start: the local demo serves the dashboard too, and its fleet appears there', async (t) => {
  const port = 20000 + (process.pid % 300) * 16;
  const demo = spawn(process.execPath, ['--import', 'tsx', 'src/cli/local-demo-main.ts'], { env: { ...process.env, SKYWIRE_DEMO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  demo.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise((r) => demo.once('exit', r));
  t.teardown(async () => { demo.kill('SIGINT'); await exited; });
  const url = await until(() => /dashboard \S+ \(log in with the token in \S+, or open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)\)/.exec(out)?.[1], 60_000, 'the demo\'s dashboard line');
  t.true(url.startsWith(`http://127.0.0.1:${port + 90}/`));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  t.teardown(() => page.close());
  await page.goto(url);
  await page.waitForFunction(() => /11 nodes · 11 online/.test(document.querySelector('header .counts')?.textContent ?? ''), undefined, { timeout: 60_000 });
  t.regex((await page.textContent('.viewport')) ?? '', /node10/);
});
