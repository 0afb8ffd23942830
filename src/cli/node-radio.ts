// The node's radio, from the "radio" section of config.json. A TNC that is missing at start
// (not plugged in yet, direwolf still starting) is reported once and retried every pollMs: the
// node runs its other carriers meanwhile, and the radio links start the moment the port opens.
// A serial port that goes away later is KissSerialIo's to reopen.
import type { Clock, TimerHandle } from '../env/clock.ts';
import { openRadioCarrier, type KissSerialCarrier } from '../env/kiss-serial-carrier.ts';
import { radioPeers, type RadioConfig } from '../radio/radio-config.ts';
import type { SkyNode } from '../node/node.ts';
import type { Logger } from './logger.ts';

export interface RadioStatus {
  mode: 'amateur' | 'encrypted';
  device: string;
  bitrate: number;
  /** 'open' (TNC talking), 'waiting' (gone, polling for it) or 'missing' (never opened yet). */
  serial: string;
  error: string | null;
  station: string | null;
  channel: string | null;
  /** Share of time on air since the radio opened, in percent. */
  airtimePct: number | null;
  controlPct: number | null;
  queue: number;
  peers: number;
  framesOut: number;
  framesIn: number;
  readyMs: number | null;
}

export interface NodeRadio { status(): RadioStatus; close(): Promise<void> }

export const attachRadio = (node: SkyNode, c: RadioConfig, clock: Clock, log: Logger, startedAt: number, index = 0): NodeRadio => {
  const peers = radioPeers(c);
  let carrier: KissSerialCarrier | undefined;
  let error: string | null = null;
  let timer: TimerHandle | undefined;
  let closed = false;
  let openedAt: number | undefined;
  let readyMs: number | null = null;

  const attempt = async (): Promise<void> => {
    timer = undefined;
    try {
      const opened = await openRadioCarrier(c, { address: node.address, kind: index === 0 ? 'kiss' : `kiss${index}` });
      if (closed) { await opened.close(); return; }
      carrier = opened;
      openedAt = clock.now();
      readyMs = openedAt - startedAt;
      error = null;
      node.attach(opened);
      for (const p of peers) if (p.address !== node.address) node.addPeer(p.address, opened, p.station);
      log.info(`radio ${c.device} open: ${c.mode} mode at ${c.bitrate} bit/s as ${opened.local}, ${peers.length} peer(s), ready ${readyMs} ms after start`);
    } catch (e) {
      const msg = (e as Error).message;
      if (msg !== error) log.warn(`radio: ${msg} (retrying every ${c.pollMs} ms)`);
      error = msg;
      if (!closed) timer = clock.setTimeout(() => { attempt().catch((e2: unknown) => log.warn(`radio: ${(e2 as Error).message}`)); }, c.pollMs);
    }
  };
  attempt().catch((e: unknown) => log.warn(`radio: ${(e as Error).message}`));

  return {
    status: () => {
      const ch = carrier?.channel;
      const elapsed = openedAt === undefined ? 0 : clock.now() - openedAt;
      return {
        mode: c.mode, device: c.device, bitrate: c.bitrate,
        serial: carrier ? carrier.io.state : 'missing', error,
        station: carrier?.local ?? (c.mode === 'amateur' ? c.callsign ?? null : null), channel: ch?.state ?? null,
        airtimePct: ch && elapsed > 0 ? Math.round((ch.counters.airtimeMs / elapsed) * 1000) / 10 : null,
        controlPct: ch ? Math.round(ch.controlShare() * 1000) / 10 : null,
        queue: ch?.queued ?? 0, peers: peers.length,
        framesOut: ch?.counters.framesOut ?? 0, framesIn: carrier?.stats.rx ?? 0, readyMs,
      };
    },
    close: async () => {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      if (carrier) await carrier.close();
    },
  };
};
