import test from 'ava';
import { decodeUi, encodeUi, parseCallsign, parseStation, stationText } from '../src/radio/ax25.ts';
import { isSkywireError } from '../src/errors.ts';

test('a UI frame has shifted callsigns, SSIDs, control 0x03 and PID 0xF0', (t) => {
  const f = encodeUi({ dest: parseStation('SKYWIR'), src: parseStation('n0call-7'), info: Uint8Array.of(0x41) });
  t.deepEqual([...f.subarray(0, 7)], [...'SKYWIR'].map((c) => c.charCodeAt(0) << 1).concat(0xe0));
  t.deepEqual([...f.subarray(7, 14)], [...'N0CALL'].map((c) => c.charCodeAt(0) << 1).concat(0x60 | (7 << 1) | 1));
  t.is(f[14], 0x03);
  t.is(f[15], 0xf0);
  const d = decodeUi(f);
  t.true(d.ok);
  if (d.ok) {
    t.is(stationText(d.value.src), 'N0CALL-7');
    t.is(stationText(d.value.dest), 'SKYWIR');
    t.deepEqual([...d.value.info], [0x41]);
  }
});

test('short callsigns are space-padded; digipeater addresses are skipped', (t) => {
  const f = encodeUi({ dest: parseStation('ID'), src: parseStation('K1A-15'), info: new Uint8Array(0) });
  t.is(f[2], 0x20 << 1);
  const withDigi = new Uint8Array(f.length + 7);
  withDigi.set(f.subarray(0, 14));
  withDigi[13]! &= 0xfe; // source is no longer the last address
  withDigi.set([...'WIDE1 '].map((c) => c.charCodeAt(0) << 1).concat(0x63), 14);
  withDigi.set(f.subarray(14), 21);
  const d = decodeUi(withDigi);
  t.true(d.ok && stationText(d.value.src) === 'K1A-15');
});

test('non-UI frames and bad addresses are dropped with a reason', (t) => {
  const f = encodeUi({ dest: parseStation('SKYWIR'), src: parseStation('N0CALL'), info: new Uint8Array(3) });
  const i = f.slice(); i[14] = 0x00;
  t.deepEqual(decodeUi(i), { ok: false, reason: 'not-ui' });
  const a = f.slice(); a[0] = 0x21 << 1;
  t.deepEqual(decodeUi(a), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeUi(f.subarray(0, 10)), { ok: false, reason: 'malformed' });
});

test('callsign errors name the field and show a good value', (t) => {
  for (const bad of ['', 'TOOLONGCALL', 'N0CALL-16', 'N0 CALL', 'n0call-x']) {
    const e = t.throws(() => parseStation(bad, 'radio.callsign'));
    t.true(isSkywireError(e, 'BAD_CALLSIGN'));
    t.regex(e!.message, /radio\.callsign .*N0CALL-7/);
  }
  t.throws(() => parseCallsign('SKYWIR'), { message: /amateur callsign/ });
  t.deepEqual(parseCallsign('w1aw-3'), { call: 'W1AW', ssid: 3 });
});
