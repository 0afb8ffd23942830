// The fleet table: every node, filtered and sorted, with only the rows in view in the DOM
// (fixed row height, a spacer for the rest), so 10,000 nodes scroll as smoothly as ten.
// Updates from the feed are coalesced into one redraw per animation frame.
import { h, ago, pct } from './dom.ts';
import { stateOf, type FleetStore, type NodeView } from './fleet-store.ts';

const ROW_H = 30;
const OVERSCAN = 8;

interface Column { key: string; title: string; cls?: string; text(n: NodeView, now: number, name: (a: string) => string): string; sort(n: NodeView): string | number }

const COLUMNS: Column[] = [
  { key: 'name', title: 'Name', text: (n) => n.name || '–', sort: (n) => n.name.toLowerCase() },
  { key: 'state', title: 'State', text: (n) => stateOf(n), sort: (n) => stateOf(n) },
  { key: 'via', title: 'Path', text: (n, _t, name) => (n.via === null ? 'no route' : n.via === 'direct' ? 'direct' : `via ${name(n.via)}`), sort: (n) => n.via ?? '~' },
  { key: 'seen', title: 'Last seen', text: (n, now) => ago(now - n.lastSeenMs), sort: (n) => -n.lastSeenMs },
  { key: 'version', title: 'Version', text: (n) => n.version, sort: (n) => n.version },
  { key: 'cpu', title: 'CPU', cls: 'num', text: (n) => (typeof n.metrics.cpuPct === 'number' ? `${n.metrics.cpuPct}%` : '–'), sort: (n) => n.metrics.cpuPct ?? -1 },
  { key: 'mem', title: 'Mem', cls: 'num', text: (n) => pct(n.metrics.memUsedMB, n.metrics.memTotalMB), sort: (n) => (n.metrics.memUsedMB ?? 0) / (n.metrics.memTotalMB || 1) },
  { key: 'disk', title: 'Disk', cls: 'num', text: (n) => pct(n.metrics.diskUsedMB, n.metrics.diskTotalMB), sort: (n) => (n.metrics.diskUsedMB ?? 0) / (n.metrics.diskTotalMB || 1) },
  { key: 'temp', title: 'Temp', cls: 'num', text: (n) => (typeof n.metrics.tempC === 'number' ? `${n.metrics.tempC} °C` : '–'), sort: (n) => n.metrics.tempC ?? -300 },
  { key: 'links', title: 'Links', cls: 'num', text: (n) => `${n.linksUp}/${n.links}`, sort: (n) => n.linksUp },
  { key: 'apps', title: 'Apps', text: (n) => Object.entries(n.metrics.apps ?? {}).map(([k, a]) => (a.state === 'running' ? k : `${k} (${a.state})`)).join(', ') || '–', sort: (n) => Object.keys(n.metrics.apps ?? {}).length },
  { key: 'tags', title: 'Tags', text: (n) => n.tags.join(', ') || '–', sort: (n) => n.tags.join(',') },
  { key: 'address', title: 'Address', cls: 'mono', text: (n) => n.address, sort: (n) => n.address },
];

export interface FleetTable { el: HTMLElement; destroy(): void }

export const fleetTable = (store: FleetStore, open: (address: string) => void): FleetTable => {
  let sortKey = 'name';
  let desc = false;
  let filter = '';
  let state = 'all';
  let rows: NodeView[] = [];
  const nameOf = (a: string): string => store.nodes.get(a)?.name || (a === store.master.address ? store.master.name || 'master' : a.slice(0, 8));

  const count = h('span', { class: 'count' });
  const search = h('input', { type: 'search', placeholder: 'filter: name, address, tag, version, app', 'aria-label': 'filter', onInput: (e) => { filter = (e.target as HTMLInputElement).value.trim().toLowerCase(); rebuild(); } });
  const pick = h('select', { 'aria-label': 'state', onChange: (e) => { state = (e.target as HTMLSelectElement).value; rebuild(); } },
    ...['all', 'online', 'offline', 'pending'].map((s) => h('option', { value: s }, s)));
  const head = h('div', { class: 'row head', role: 'row' }, ...COLUMNS.map((c) => h('div', {
    class: `cell c-${c.key} ${c.cls ?? ''}`, role: 'columnheader', 'data-key': c.key,
    onClick: () => { if (sortKey === c.key) desc = !desc; else { sortKey = c.key; desc = false; } rebuild(); },
  }, c.title)));
  const spacer = h('div', { class: 'spacer' });
  const viewport = h('div', { class: 'viewport', role: 'rowgroup' }, spacer);
  const el = h('section', { class: 'fleet' }, h('div', { class: 'toolbar' }, search, pick, count), h('div', { class: 'table', role: 'table' }, head, viewport));

  const matches = (n: NodeView): boolean => {
    if (state !== 'all' && stateOf(n) !== state) return false;
    if (!filter) return true;
    return n.name.toLowerCase().includes(filter) || n.address.includes(filter) || n.version.includes(filter)
      || n.tags.some((t) => t.toLowerCase().includes(filter)) || Object.keys(n.metrics.apps ?? {}).some((a) => a.includes(filter));
  };

  const rebuild = (): void => {
    const col = COLUMNS.find((c) => c.key === sortKey)!;
    rows = [...store.nodes.values()].filter(matches);
    const keyed = rows.map((n) => [col.sort(n), n] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1].address < b[1].address ? -1 : 1));
    rows = keyed.map((k) => k[1]);
    if (desc) rows.reverse();
    for (const c of head.children) c.classList.toggle('sorted', (c as HTMLElement).dataset.key === sortKey);
    const online = [...store.nodes.values()].filter((n) => stateOf(n) === 'online').length;
    count.textContent = `${rows.length} shown · ${store.nodes.size} nodes · ${online} online`;
    spacer.style.height = `${rows.length * ROW_H}px`;
    draw();
  };

  const pool: HTMLElement[] = [];
  const draw = (): void => {
    const now = Date.now(); // real-io: the browser's clock (page code, not a node)
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_H) + OVERSCAN);
    let used = 0;
    for (let i = first; i < last; i++) {
      const n = rows[i]!;
      let r = pool[used];
      if (!r) {
        r = h('div', { class: 'row', role: 'row', tabindex: 0 }, ...COLUMNS.map((c) => h('div', { class: `cell c-${c.key} ${c.cls ?? ''}`, role: 'cell' })));
        r.addEventListener('click', () => open(r!.dataset.address!));
        r.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(r!.dataset.address!); });
        pool.push(r);
        viewport.append(r);
      }
      r.style.transform = `translateY(${i * ROW_H}px)`;
      r.style.display = '';
      r.dataset.address = n.address;
      r.dataset.state = stateOf(n);
      COLUMNS.forEach((c, j) => { const t = c.text(n, now, nameOf); const cell = r!.children[j]!; if (cell.textContent !== t) cell.textContent = t; });
      used++;
    }
    for (let i = used; i < pool.length; i++) pool[i]!.style.display = 'none';
  };

  let frame = 0;
  const later = (): void => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; rebuild(); }); };
  viewport.addEventListener('scroll', () => requestAnimationFrame(draw));
  const off = store.on(later);
  // "Last seen" moves with time even when nothing arrives.
  const tick = setInterval(draw, 1000); // real-io: the browser's clock (page code, not a node)
  requestAnimationFrame(rebuild);
  return { el, destroy: () => { off(); clearInterval(tick); if (frame) cancelAnimationFrame(frame); } };
};
