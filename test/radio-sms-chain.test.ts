import test from 'ava';
import { missing } from './helpers/radio-pty.ts';
import { EMERGENCY_TEXT, firstSms, startRadioLine } from './helpers/radio-line.ts';

// Issue 13's cold mesh on real modems: three direwolf modem pairs wired back to back (six
// modems), four `skywire node` processes started together in a line n0 ~ n1 ~ n2 ~ n3 (each
// relay with two TNCs, one per channel), amateur mode at 1200 bit/s. One SMS is sent from n0 to
// n3 the moment n0 answers: it must land once, and its receipt come back. The times are logged
// (bench/radio-cold reports them); the test asserts only what happened, not how fast.
const skip = missing('direwolf');
const run = skip ? test.skip : test.serial;
if (skip) test('direwolf sms chain', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

run('three radio hops on six real modems, cold: the first SMS lands once and its receipt comes back', async (t) => {
  t.timeout(240_000);
  t.is(EMERGENCY_TEXT.length, 160);
  const line = await startRadioLine(3);
  let ok = false;
  t.teardown(async () => {
    if (!ok) line.daemons.forEach((d, i) => t.log(`n${i}: ${d.output().slice(-1500)}`));
    await line.stop();
  });
  const r = await firstSms(line, EMERGENCY_TEXT);
  t.log(`from process start: sent ${r.sentMs} ms, in n3's inbox ${r.inboxMs} ms, receipt at n0 ${r.receiptMs} ms`);
  t.is(r.copies, 1, 'exactly once');
  ok = true;
});
