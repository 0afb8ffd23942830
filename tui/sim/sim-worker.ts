// Child process for `sim run --watch`: runs the scenario exactly as `sim run` does and streams
// its trace events to the watching parent in batches. The run is the same code with the same
// seed; onEvent only copies events out, so the trace hash does not change. A user's error (a
// scenario that cannot be read or is invalid) goes to the parent as code and message, so the
// watch screen shows the same one line `sim run` would print.
import { loadScenario } from '../../simulator/scenario-load.ts';
import { runScenario } from '../../simulator/sim-run.ts';
import type { TraceEvent } from '../../src/env/trace.ts';
import { SkywireError } from '../../src/errors.ts';

const send = (m: unknown): void => void process.send!(m);
const [file, seedArg, traceFile] = process.argv.slice(2);
try {
  const scenario = loadScenario(file!);
  let batch: TraceEvent[] = [];
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
} catch (e) {
  if (!(e instanceof SkywireError)) throw e;
  send({ k: 'error', code: e.code, message: e.message });
  process.exitCode = 1;
}
process.disconnect();
