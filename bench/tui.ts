// Frame time of the simulation watch on a 300-node run (mesh-300, first two simulated minutes):
// each frame moves the player's cursor and redraws the blessed screen into an 80x24 null
// terminal. Baseline: the same frames rendered as plain status lines. Also the master's fleet
// table for 300 nodes (filter, sort, format). Goal: <= ~50 ms per frame.
import blessed from 'blessed';
import { PassThrough, Writable } from 'node:stream';
import { print } from './machine.ts';
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import type { TraceEvent } from '../src/env/trace.ts';
import { SimPlayer } from '../tui/sim/sim-player.ts';
import { simLayout } from '../tui/sim/sim-screen.ts';
import { changeLines, counterLines, faultLines, simHeader, timeline } from '../tui/sim/sim-panels.ts';
import { fleetRow, selectNodes } from '../tui/master/fleet-rows.ts';
import type { NodeView } from '../src/master/fleet-view.ts';

const FRAMES = 300;
const scenario = { ...loadScenario('scenarios/mesh-300.yaml'), duration: 120_000 };
const events: TraceEvent[] = [];
const t0 = process.hrtime.bigint();
await runScenario(scenario, { onEvent: (e) => void events.push(e) });
const simMs = Number(process.hrtime.bigint() - t0) / 1e6;

const nullTerm = (): Writable & { columns: number; rows: number; isTTY: boolean } =>
  Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { columns: 80, rows: 24, isTTY: true });

const measure = (frame: (p: SimPlayer) => void): { framesMs: { median: number; p95: number; max: number }; eventsPerFrame: number } => {
  const p = new SimPlayer(scenario.duration);
  p.push(events);
  p.done = true;
  const wallPerFrame = 50;
  while (p.speed * wallPerFrame * FRAMES < scenario.duration) p.faster();
  const times: number[] = [];
  for (let i = 0; i < FRAMES && !p.atEnd(); i++) {
    const s = process.hrtime.bigint();
    p.advance(wallPerFrame);
    frame(p);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { framesMs: { median: r(times[Math.floor(times.length / 2)]!), p95: r(times[Math.floor(times.length * 0.95)]!), max: r(times.at(-1)!) }, eventsPerFrame: Math.round(events.length / times.length) };
};

// @types/blessed swaps the stream types of input and output; the runtime wants these.
const screen = blessed.screen({ output: nullTerm() as never, input: new PassThrough() as never, terminal: 'xterm-256color', warnings: false });
const watch = measure(((): ((p: SimPlayer) => void) => {
  let ui: ReturnType<typeof simLayout> | undefined;
  return (p) => { ui ??= simLayout(screen, p); ui.draw(); };
})());
screen.destroy();
const sink = nullTerm();
const plain = measure((p) => void sink.write([simHeader(p), timeline(p, 78), ...counterLines(p), ...changeLines(p, 8), ...faultLines(p, 6)].join('\n')));

const fleet: NodeView[] = Array.from({ length: 300 }, (_, i) => ({
  address: `a${i}`.padEnd(26, 'x'), name: `n${i}`, version: '0.1.0', enrolment: 'accepted', online: i % 7 !== 0,
  firstSeenMs: 0, lastSeenMs: i * 1000, links: 4, linksUp: i % 5, via: i % 3 ? 'direct' : 'relay', path: null, configVersion: 0,
  routes: 2, routesUp: 2, tags: [], metrics: {}, held: null,
}));
const f0 = process.hrtime.bigint();
for (let i = 0; i < 100; i++) selectNodes(fleet, { sort: 'last seen', show: 'all', filter: '' }).map((n) => fleetRow(n, 400_000));
const fleetMs = Number(process.hrtime.bigint() - f0) / 1e6 / 100;

print('tui', {
  scenario: 'mesh-300 (first 120 s simulated)', events: events.length, simulationWallMs: Math.round(simMs), frames: FRAMES,
  simWatchBlessed: watch, baselinePlainLines: plain,
  fleetTable300: { msPerRefresh: Math.round(fleetMs * 1000) / 1000 },
  goalMsPerFrame: 50,
});
process.exit(0);
