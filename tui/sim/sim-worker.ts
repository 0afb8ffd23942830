// Child process for `sim run --watch`: runs the scenario exactly as `sim run` does and streams
// its trace events to the watching parent in batches. The run is the same code with the same
// seed; onEvent only copies events out, so the trace hash does not change.
import { loadScenario } from '../../simulator/scenario-load.ts';
import { runScenario } from '../../simulator/sim-run.ts';
import type { TraceEvent } from '../../src/env/trace.ts';

const [file, seedArg, traceFile] = process.argv.slice(2);
const scenario = loadScenario(file!);
let batch: TraceEvent[] = [];
const send = (m: unknown): void => void process.send!(m);
send({ k: 'start', duration: scenario.duration });
const r = await runScenario(scenario, {
  seed: seedArg ? Number(seedArg) : undefined, traceFile: traceFile || undefined,
  onEvent: (e) => {
    batch.push(e);
    if (batch.length >= 2000) { send({ k: 'events', events: batch }); batch = []; }
  },
});
send({ k: 'events', events: batch });
send({ k: 'done', summary: r.summary });
process.disconnect();
