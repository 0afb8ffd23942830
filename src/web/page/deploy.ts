// Deploying a bundle (made by `skywire app build`) from the page: to one node, to the nodes
// carrying a tag (a canary group first), or to every admitted node. Each node gets a progress
// bar (sending, installing, health check) and then its verdict: committed, or rolled back with
// the reason and the app's last log lines, as `skywire app deploy` prints them.
import { h, spawn } from './dom.ts';
import type { FleetStore } from './fleet-store.ts';

interface Verdict { ok: boolean; result?: { outcome?: string; reason?: string; log?: string[] }; refused?: string; error?: { code: string; message: string } }
const CHUNK = 60 * 1024;

export const deployPage = (store: FleetStore): { el: HTMLElement; destroy(): void } => {
  const file = h('input', { type: 'file', 'aria-label': 'bundle file', name: 'bundle' });
  const kind = h('select', { 'aria-label': 'deploy to', name: 'kind' }, h('option', { value: 'node' }, 'one node'), h('option', { value: 'tag' }, 'nodes with tag'), h('option', { value: 'all' }, 'every admitted node'));
  const which = h('select', { 'aria-label': 'target', name: 'target' });
  const go = h('button', { class: 'primary', 'data-act': 'deploy' }, 'Deploy');
  const status = h('p', { class: 'deploy-status muted' });
  const rows = h('div', { class: 'deploy-rows' });
  const el = h('section', { class: 'deploy-page' }, h('h2', {}, 'Deploy an app'),
    h('p', { class: 'muted' }, 'A bundle from "skywire app build DIR". Each node installs it beside the running version, checks its health and commits, or rolls back and says why.'),
    h('div', { class: 'toolbar' }, file, kind, which, go), status, rows);
  const fillTargets = (): void => {
    const was = which.value;
    const admitted = [...store.nodes.values()].filter((n) => n.enrolment === 'accepted');
    const opts = kind.value === 'node' ? admitted.map((n) => [n.address, n.name || n.address.slice(0, 12)] as const)
      : kind.value === 'tag' ? [...new Set(admitted.flatMap((n) => n.tags))].sort().map((t) => [t, t] as const) : [];
    which.replaceChildren(...opts.map(([v, t]) => h('option', { value: v }, t)));
    which.hidden = kind.value === 'all';
    if ([...which.options].some((o) => o.value === was)) which.value = was;
  };
  kind.addEventListener('change', fillTargets);
  const off = store.on(fillTargets);
  fillTargets();
  let ws: WebSocket | undefined;
  go.addEventListener('click', () => {
    const f = file.files?.[0];
    if (!f) { status.textContent = 'choose a bundle file first'; return; }
    const target = kind.value === 'all' ? { all: true } : kind.value === 'tag' ? { tag: which.value } : { node: which.value };
    if (kind.value !== 'all' && !which.value) { status.textContent = 'choose where to deploy'; return; }
    go.disabled = true;
    rows.replaceChildren();
    status.textContent = `uploading ${f.name} (${f.size} bytes) to the master…`;
    const bars = new Map<string, { bar: HTMLProgressElement; phase: HTMLElement; verdict: HTMLElement }>();
    const sock = (ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/deploy`));
    sock.onopen = () => {
      sock.send(JSON.stringify({ size: f.size, target }));
      spawn(f.arrayBuffer().then((buf) => { for (let i = 0; i < buf.byteLength; i += CHUNK) sock.send(buf.slice(i, i + CHUNK)); }));
    };
    sock.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { error?: { code: string; message: string }; accepted?: { name: string; version: string; total: number; nodes: { address: string; name: string }[] }; node?: string; sent?: number; total?: number; phase?: string; reply?: Verdict; done?: boolean };
      if (m.error) { status.textContent = `refused: ${m.error.code}: ${m.error.message}`; return; }
      if (m.accepted) {
        status.textContent = `deploying ${m.accepted.name} ${m.accepted.version} to ${m.accepted.nodes.length} node(s)`;
        for (const n of m.accepted.nodes) {
          const bar = h('progress', { max: m.accepted.total, value: 0 });
          const phase = h('span', { class: 'phase' }, 'waiting');
          const verdict = h('div', { class: 'verdict' });
          bars.set(n.address, { bar, phase, verdict });
          rows.append(h('div', { class: 'deploy-row card', 'data-address': n.address }, h('div', { class: 'title' }, n.name || n.address.slice(0, 12)), bar, phase, verdict));
        }
        return;
      }
      if (m.done) { status.textContent += ' · finished'; return; }
      const b = m.node ? bars.get(m.node) : undefined;
      if (!b) return;
      if (typeof m.sent === 'number') b.bar.value = m.sent;
      if (m.phase !== 'done') { b.phase.textContent = m.phase ?? ''; return; }
      b.bar.value = b.bar.max;
      const r = m.reply;
      const outcome = r?.ok ? r.result?.outcome ?? 'done' : 'failed';
      b.phase.textContent = outcome;
      b.phase.dataset.outcome = outcome;
      const why = r?.ok ? r.result?.reason : r?.refused ? `refused (${r.refused})` : r?.error ? `${r.error.code}: ${r.error.message}` : undefined;
      b.verdict.replaceChildren(...(why ? [h('div', {}, why)] : []), ...(r?.result?.log?.length ? [h('pre', { class: 'log-tail' }, r.result.log.join('\n'))] : []));
    };
    sock.onclose = () => { go.disabled = false; if (ws === sock) ws = undefined; };
  });
  return { el, destroy: () => { off(); ws?.close(); } };
};
