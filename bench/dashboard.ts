// The master's web dashboard in Debian's chromium (playwright-core), side by side:
//  1. 300 real nodes (6 worker processes x 50 runNode on UDP loopback, as bench/master-scale)
//     registered with a master serving the dashboard: time from opening the page to the first
//     row and to all 300 rows, the feed's update latency (heartbeat received by the master ->
//     row delivered to the page), and the topology's layout time.
//  2. 10,000 nodes in a fake registry (registry.json written before the master starts, no node
//     behind them): first paint, the whole table, a filter's round trip, and scrolling through
//     the table frame by frame (virtualised rows: only those in view are in the DOM).
// BENCH_SCREENSHOTS=DIR also writes the fleet, node and topology pages at 1280x800 and at a
// phone's width (390x844) from part 1, as kept in docs/.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadOrCreateIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { addressOf } from '../src/identity/address.ts';
import type { NodeRecord } from '../src/master/registry.ts';
import { forkWorker, next, stopAll } from './fork-ipc.ts';
import { print } from './machine.ts';

// What the functions given to page.evaluate use: they run in the browser, not here.
declare const document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number; textContent: string | null } | null; querySelectorAll(s: string): { length: number } };
declare const location: { host: string };
declare const requestAnimationFrame: (cb: () => void) => number;

const NODES = Number(process.env.BENCH_NODES ?? 300);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 6);
const FAKE = Number(process.env.BENCH_FAKE_NODES ?? 10_000);
const HEARTBEAT_MS = 5_000;
const shots = process.env.BENCH_SCREENSHOTS;
const tmp = mkdtempSync(join(tmpdir(), 'sky-dash-'));
const base = 45000 + Math.floor(Math.random() * 1500) * 4;
const pct = (xs: number[], p: number): number | null => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : null);

const startMaster = async (home: string, port: number): Promise<{ proc: ReturnType<typeof forkWorker>; url: string; token: string }> => {
  const proc = forkWorker('./master-scale-worker.ts');
  await next(proc, 'loaded', 60_000);
  const web = next<{ url: string; token: string }>(proc, 'web', 60_000);
  proc.send({ role: 'master', home, port, web: true });
  await next(proc, 'ready', 60_000);
  return { proc, ...(await web) };
};

const login = async (browser: Browser, url: string, token: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; firstRowMs: number }> => {
  const page = await browser.newPage({ viewport });
  // tsx keeps function names with a __name() helper, which the functions given to
  // page.evaluate carry into the browser.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  const t0 = Date.now();
  await page.goto(`${url}#token=${token}`);
  await page.waitForSelector('.viewport .row', { timeout: 60_000 });
  return { page, firstRowMs: Date.now() - t0 };
};

/** Opens a second feed socket inside the page and records, for each row it is sent, how long
 *  after the master received that node's heartbeat it reached the page. */
const feedLatency = (page: Page, ms: number): Promise<number[]> => page.evaluate((ms) => new Promise<number[]>((resolve) => {
  const out: number[] = [];
  const ws = new WebSocket(`ws://${location.host}/api/feed`);
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { t: string; set?: { lastSeenMs: number }[] };
    if (m.t === 'delta') for (const r of m.set ?? []) out.push(Date.now() - r.lastSeenMs);
  };
  setTimeout(() => { ws.close(); resolve(out); }, ms);
}), ms);

/** Scrolls the fleet table in steps, one per animation frame, and returns the frame times. */
const scrollFrames = (page: Page, steps: number): Promise<{ frames: number[]; rowsInDom: number }> => page.evaluate((steps) => new Promise((resolve) => {
  const v = document.querySelector('.viewport')!;
  const frames: number[] = [];
  let last = performance.now();
  let i = 0;
  const step = (): void => {
    const now = performance.now();
    frames.push(now - last);
    last = now;
    v.scrollTop = (v.scrollHeight - v.clientHeight) * (i / steps);
    if (++i <= steps) requestAnimationFrame(step);
    else resolve({ frames: frames.slice(1), rowsInDom: document.querySelectorAll('.viewport .row').length });
  };
  requestAnimationFrame(step);
}), steps);

const waitCount = async (page: Page, n: number, ms: number): Promise<number> => {
  const t0 = Date.now();
  await page.waitForFunction((n) => document.querySelector('.fleet .count')?.textContent?.includes(`${n} nodes`), n, { timeout: ms });
  return Date.now() - t0;
};

const realFleet = async (browser: Browser): Promise<Record<string, unknown>> => {
  const home = join(tmp, 'master');
  const id = loadOrCreateIdentity(nodeSuite(), home, () => new Uint8Array(randomBytes(32))).identity;
  const boot = join(tmp, 'boot');
  mkdirSync(join(boot, 'skywire'), { recursive: true });
  writeFileSync(join(boot, 'skywire', 'master.txt'), `${Buffer.from(id.publicKey).toString('base64')}\nrelay = ${id.address}@127.0.0.1:${base}\n`);
  const m = await startMaster(home, base);
  const workers = Array.from({ length: WORKERS }, () => forkWorker('./master-scale-worker.ts'));
  try {
    await Promise.all(workers.map((w) => next(w, 'loaded', 60_000)));
    const t0 = Date.now();
    workers.forEach((w, k) => {
      const mine = Array.from({ length: NODES }, (_, i) => i).filter((i) => i % WORKERS === k);
      w.send({ role: 'nodes', boot, heartbeatMs: HEARTBEAT_MS, nodes: mine.map((i) => ({ home: join(tmp, `n${i}`), port: base + 1 + i })) });
    });
    // The master's own count beside the page's: the difference is what the page adds.
    const masterListed = (async (): Promise<number | null> => {
      while (Date.now() - t0 < 120_000) {
        m.proc.send({ report: true });
        const r = await next<{ listed: number; atMs: number }>(m.proc, 'report', 30_000);
        if (r.listed >= NODES) return r.atMs - t0;
        await new Promise((res) => setTimeout(res, 250));
      }
      return null;
    })();
    // The page is open while the fleet registers: rows arrive as nodes do.
    const { page, firstRowMs } = await login(browser, m.url, m.token);
    const allRowsMs = await waitCount(page, NODES, 120_000).then(() => Date.now() - t0, () => null);
    const masterAllListedMs = await masterListed;
    // First paint of the fleet page with the whole fleet registered: a fresh page.
    const fresh = await login(browser, m.url, m.token);
    const fullPaintMs = fresh.firstRowMs + await waitCount(fresh.page, NODES, 30_000);
    await fresh.page.close();
    // Steady state: every node heartbeats every HEARTBEAT_MS.
    const lat = await feedLatency(page, 2 * HEARTBEAT_MS + 1000);
    const open = Date.now();
    await page.goto(`${m.url}#/topology`);
    await page.waitForSelector('.topology[data-layout-ms]', { timeout: 60_000 });
    const layoutMs = Number(await page.getAttribute('.topology', 'data-layout-ms'));
    const topologyShownMs = Date.now() - open;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'dashboard-topology.png') });
      await page.goto(`${m.url}#/fleet`);
      await page.waitForSelector('.viewport .row');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(shots, 'dashboard-fleet.png') });
      await page.click('.viewport .row >> nth=3');
      await page.waitForSelector('.link-table', { timeout: 30_000 });
      await page.waitForTimeout(HEARTBEAT_MS + 500);
      await page.screenshot({ path: join(shots, 'dashboard-node.png'), fullPage: true });
      const phone = (await login(browser, m.url, m.token, { width: 390, height: 844 })).page;
      await phone.waitForTimeout(500);
      await phone.screenshot({ path: join(shots, 'dashboard-fleet-phone.png') });
      await phone.close();
    }
    await page.close();
    return {
      nodes: NODES, heartbeatMs: HEARTBEAT_MS,
      whileRegistering: { firstRowMs, allRowsOnPageMs: allRowsMs, allListedByMasterMs: masterAllListedMs, note: 'the page opened as the 300 nodes started: rows appear as they register' },
      registeredFleet: { firstRowMs: fresh.firstRowMs, allRowsMs: fullPaintMs, note: 'a fresh page, every node already registered: navigation -> first row, -> the count says all' },
      pageBehindMasterMs: allRowsMs !== null && masterAllListedMs !== null ? allRowsMs - masterAllListedMs : null,
      updateLatencyMs: { rows: lat.length, p50: pct(lat, 50), p95: pct(lat, 95), max: lat.length ? Math.max(...lat) : null, note: 'master receives the heartbeat -> the row reaches the page (includes the feed\'s 250 ms batching)' },
      topology: { layoutMs, shownMs: topologyShownMs, goalMs: 2000 },
    };
  } finally {
    await stopAll([m.proc, ...workers]);
  }
};

const fakeFleet = async (browser: Browser): Promise<Record<string, unknown>> => {
  const home = join(tmp, 'fake-master');
  loadOrCreateIdentity(nodeSuite(), home, () => new Uint8Array(randomBytes(32)));
  const now = Date.now();
  const nodes: Record<string, NodeRecord> = {};
  for (let i = 0; i < FAKE; i++) {
    // Real addresses of random keys: the API checks them as it would a node's.
    const key = randomBytes(32);
    const address = addressOf(new Uint8Array(key));
    nodes[address] = {
      address, publicKey: key.toString('base64'), name: `pi-${i}`, version: '0.1.0', enrolment: i % 50 === 0 ? 'pending' : 'accepted',
      firstSeenMs: now - 86_400_000, lastSeenMs: now - (i % 600) * 1000, links: {}, routes: {}, configVersion: 1, path: null, commandSeq: 0,
      tags: i % 10 === 0 ? ['kitchen'] : [], metrics: { cpuPct: i % 100, load1: 0.5, memUsedMB: 300, memTotalMB: 4096, diskUsedMB: 2000, diskTotalMB: 30_000, tempC: 45, uptimeS: 3600, apps: {} },
    };
  }
  writeFileSync(join(home, 'registry.json'), JSON.stringify({ version: 1, nodes }));
  const m = await startMaster(home, base + 2000);
  try {
    const { page, firstRowMs } = await login(browser, m.url, m.token);
    const allMs = firstRowMs + await waitCount(page, FAKE, 60_000);
    const scroll = await scrollFrames(page, 120);
    // A filter's round trip: typed, table rebuilt, count shown.
    const t0 = Date.now();
    await page.fill('.toolbar input[type=search]', 'pi-99');
    await page.waitForFunction(() => /^\d+ shown/.test(document.querySelector('.fleet .count')?.textContent ?? '') && !document.querySelector('.fleet .count')?.textContent?.startsWith(`${10_000} shown`));
    const filterMs = Date.now() - t0;
    // An update among 10,000: approve pending records through the API (the page's own fetch,
    // with its CSRF token) and time until each row on the page says it is no longer pending.
    await page.fill('.toolbar input[type=search]', '');
    const pending = Object.values(nodes).filter((r) => r.enrolment === 'pending').slice(0, 10).map((r) => r.address);
    const updates: number[] = [];
    for (const address of pending) {
      await page.fill('.toolbar input[type=search]', address);
      await page.waitForSelector(`.viewport .row[data-address="${address}"][data-state=pending]`, { timeout: 10_000 });
      const u0 = Date.now();
      const ok = await page.evaluate(async (a) => {
        const s = await (await fetch('/api/session')).json() as { csrf: string };
        const r = await fetch('/api/approve', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: JSON.stringify({ node: a }) });
        return r.ok ? '' : `${r.status} ${await r.text()}`;
      }, address);
      if (ok !== '') throw new Error(`approve refused: ${ok}`);
      await page.waitForSelector(`.viewport .row[data-address="${address}"][data-state=offline]`, { timeout: 10_000 });
      updates.push(Date.now() - u0);
    }
    const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);
    await page.close();
    return {
      nodes: FAKE, what: 'a registry of fake records (no node behind them), to see the page, not the fleet',
      firstRowMs, allRowsListedMs: allMs, filterRoundTripMs: filterMs,
      approveToRowMs: { samples: updates.length, p50: pct(updates, 50), max: updates.length ? Math.max(...updates) : null, note: 'POST approve -> the row on the page changes state, among 10,000 (includes the approval\'s registry write and the feed\'s 250 ms batching)' },
      scroll: { frames: scroll.frames.length, p50Ms: pct(scroll.frames, 50), p95Ms: pct(scroll.frames, 95), over50Ms: scroll.frames.filter((f) => f > 50).length, rowsInDom: scroll.rowsInDom },
      pageHeapMiB: heap === null ? null : Math.round((heap / 2 ** 20) * 10) / 10,
    };
  } finally {
    await stopAll([m.proc]);
  }
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  // BENCH_PART=fake runs only the 10,000-record part.
  const real = process.env.BENCH_PART === 'fake' ? null : await realFleet(browser);
  const fake = await fakeFleet(browser);
  print('dashboard', { browser: `chromium ${browser.version()} headless`, real, fake });
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
