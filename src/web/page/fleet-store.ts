// The fleet as the page knows it: one snapshot from the master's feed (src/web/fleet-feed.ts),
// then the changed rows. Reconnects with backoff when the master restarts; a page that was
// logged out (the socket is refused) goes back to the login form.
import type { NodeView } from '../../master/fleet-view.ts';
import type { FeedMessage } from '../fleet-feed.ts';

export type { NodeView };
export type FleetListener = (changed: readonly string[] | 'all') => void;

export class FleetStore {
  readonly nodes = new Map<string, NodeView>();
  master = { address: '', name: '' };
  offlineAfterMs = 45_000;
  connected = false;
  /** Wall time of the last message: the page shows "live" or how stale it is. */
  lastMessageMs = 0;
  private readonly listeners = new Set<FleetListener>();
  private ws: WebSocket | undefined;
  private backoff = 500;
  private closed = false;

  constructor(private readonly onLoggedOut: () => void) {}

  on(fn: FleetListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  connect(): void {
    this.closed = false;
    const ws = (this.ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/feed`));
    let opened = false;
    ws.onopen = () => { opened = true; this.connected = true; this.backoff = 500; };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as FeedMessage);
    ws.onclose = () => {
      this.connected = false;
      this.emit('all');
      if (this.closed) return;
      // Refused before opening: the session may be gone. Ask before retrying.
      if (!opened) {
        void fetch('/api/session', { credentials: 'same-origin' }).then((r) => {
          if (r.status === 401) this.onLoggedOut();
          else this.retry();
        }, () => this.retry());
      } else this.retry();
    };
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }

  private retry(): void {
    setTimeout(() => { if (!this.closed) this.connect(); }, this.backoff); // real-io: the browser's clock (page code, not a node)
    this.backoff = Math.min(this.backoff * 2, 10_000);
  }

  private receive(m: FeedMessage): void {
    this.lastMessageMs = Date.now(); // real-io: the browser's clock (page code, not a node)
    if (m.t === 'snapshot') {
      this.master = m.master;
      this.offlineAfterMs = m.offlineAfterMs;
      this.nodes.clear();
      for (const n of m.nodes) this.nodes.set(n.address, n);
      return this.emit('all');
    }
    for (const n of m.set) this.nodes.set(n.address, n);
    for (const a of m.removed) this.nodes.delete(a);
    this.emit([...m.set.map((n) => n.address), ...m.removed]);
  }

  private emit(c: readonly string[] | 'all'): void {
    for (const l of this.listeners) l(c);
  }
}

export const stateOf = (n: NodeView): 'online' | 'offline' | 'pending' | 'removed' =>
  n.enrolment === 'pending' ? 'pending' : n.enrolment === 'removed' ? 'removed' : n.online ? 'online' : 'offline';
