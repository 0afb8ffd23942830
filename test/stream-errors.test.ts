// Stream failures reach the app as errors with codes: refused, reset, timeout, unreachable.
import test from 'ava';
import type { Duplex } from 'node:stream';
import { duplexWorld, until } from './helpers/stream-duplex-world.ts';
import { streamErrorCode } from '../src/stream/stream-error.ts';
import { isSkywireError } from '../src/errors.ts';

const errorOf = (s: Duplex): { code: string | undefined; err: unknown } => {
  const r: { code: string | undefined; err: unknown } = { code: undefined, err: undefined };
  s.on('error', (e) => ((r.err = e), (r.code = streamErrorCode(e))));
  return r;
};

test("dialing a port with no listener fails with 'refused'", async (t) => {
  const w = duplexWorld(1, { latencyMs: 10 });
  const e = errorOf(w.a.dial(9));
  t.true((await until(w.clock, () => e.code !== undefined, 5_000, 2)) >= 0);
  t.is(e.code, 'refused');
  t.true(isSkywireError(e.err, 'refused'));
});

test("a peer that destroys its stream makes ours fail with 'reset'", async (t) => {
  const w = duplexWorld(2, { latencyMs: 10 });
  w.listen.set(5, (s) => s.destroy());
  const s = w.a.dial(5);
  const e = errorOf(s);
  let connected = false;
  s.on('connect', () => (connected = true));
  s.write(Buffer.from('hi'));
  t.true((await until(w.clock, () => e.code !== undefined, 5_000, 2)) >= 0);
  t.true(connected);
  t.is(e.code, 'reset');
  t.is(w.a.conversation.streams.size + w.b.conversation.streams.size, 0, 'both ends forgot the stream');
});

test("a peer that vanishes mid-stream makes ours fail with 'timeout' within about a minute", async (t) => {
  const w = duplexWorld(3, { latencyMs: 10 });
  w.listen.set(5, (s) => s.resume());
  const s = w.a.dial(5);
  const e = errorOf(s);
  s.write(new Uint8Array(50_000));
  await until(w.clock, () => false, 200, 5);
  w.ab.blackout = w.ba.blackout = true;
  s.write(new Uint8Array(50_000));
  const took = await until(w.clock, () => e.code !== undefined, 120_000, 100);
  t.is(e.code, 'timeout');
  t.true(took > 20_000 && took <= 61_000, `gave up after ${took} ms`);
});

test("a dial whose SYN is never answered fails with 'timeout' after about 60 s", async (t) => {
  const w = duplexWorld(4, { latencyMs: 10 });
  w.ab.blackout = true;
  const e = errorOf(w.a.dial(5));
  const took = await until(w.clock, () => e.code !== undefined, 120_000, 100);
  t.is(e.code, 'timeout');
  t.true(took >= 60_000 && took < 70_000, `gave up after ${took} ms`);
});

test("the lower layer's failure reaches every stream with its code ('unreachable')", async (t) => {
  const w = duplexWorld(5, { latencyMs: 10 });
  w.ab.blackout = true;
  const errs = [errorOf(w.a.dial(5)), errorOf(w.a.dial(6))];
  await until(w.clock, () => false, 500, 10);
  w.a.fail('unreachable');
  await until(w.clock, () => errs.every((x) => x.code !== undefined), 100, 1);
  t.deepEqual(errs.map((x) => x.code), ['unreachable', 'unreachable']);
  t.is(w.a.conversation.streams.size, 0);
});

test("closing a mux resets its streams at both ends", async (t) => {
  const w = duplexWorld(6, { latencyMs: 10 });
  let server: ReturnType<typeof errorOf> | undefined;
  w.listen.set(5, (s) => (server = errorOf(s)));
  const s = w.a.dial(5);
  const local = errorOf(s);
  await until(w.clock, () => server !== undefined, 1_000, 1);
  w.a.close();
  await until(w.clock, () => server!.code !== undefined && local.code !== undefined, 1_000, 1);
  t.is(local.code, 'reset');
  t.is(server!.code, 'reset');
});
