// One node: its figures live from the feed (with a history since this page opened), its links
// and routes as the node itself reports them (a signed status command, refreshed while open),
// its apps, tags and config, and restart. Config edits are checked by the master field by field
// before anything is sent; each problem is shown beside its field.
import { h, ago, pct, spawn } from './dom.ts';
import { get, post, why, errText, type Reply } from './api.ts';
import { stateOf, type FleetStore, type NodeView } from './fleet-store.ts';
import { sparkline } from './sparkline.ts';
import { openTerminal } from './terminal.ts';
import { logsView } from './logs-view.ts';
import { appEditor } from './app-editor.ts';

interface LinkRow { peer: string; state: string; rttMs: number | null; endpoint: string | null; carrier: string; problem: string | null }
interface RouteRow { dest: string; state: string; hops: number | null; path: string[] | null; repairs: number }


export const nodePage = (store: FleetStore, address: string): { el: HTMLElement; destroy(): void } => {
  const history: { t: number; cpu: number | null; mem: number | null }[] = [];
  const nameOf = (a: string): string => store.nodes.get(a)?.name || (a === store.master.address ? store.master.name || 'master' : a.slice(0, 12));
  const title = h('h2', {});
  const badge = h('span', { class: 'badge' });
  const facts = h('dl', { class: 'facts' });
  const cards = h('div', { class: 'metrics' });
  const cpuChart = h('canvas', { width: 320, height: 60, class: 'chart', 'aria-label': 'CPU since this page opened' });
  const memChart = h('canvas', { width: 320, height: 60, class: 'chart', 'aria-label': 'memory since this page opened' });
  const tags = h('div', { class: 'tags' });
  const tagInput = h('input', { placeholder: 'add a tag', 'aria-label': 'new tag', maxlength: 32 });
  const tagOut = h('span', { class: 'result' });
  const links = h('div', { class: 'links' }, 'asking the node…');
  const apps = h('div', { class: 'apps' });
  const appBox = h('div', { class: 'app-editor' });
  const configBox = h('div', { class: 'config' }, h('p', { class: 'muted' }, 'loading the node\'s config…'));
  const actionOut = h('span', { class: 'result' });
  const restart = h('button', { 'data-act': 'restart' }, 'Restart');
  const termBtn = h('button', { 'data-act': 'terminal' }, 'Terminal');
  const termBox = h('div', { class: 'terminal-box' });
  // Replaced by the log view once the page knows the node is admitted.
  const logsBox = h('div', {}, h('p', { class: 'muted' }, 'only admitted nodes show their logs'));
  const el = h('section', { class: 'node-page', 'data-address': address },
    h('div', { class: 'node-head' }, title, badge, h('div', { class: 'actions' }, termBtn, restart, actionOut)),
    facts,
    termBox,
    h('h3', {}, 'Metrics'), cards, h('div', { class: 'charts' }, h('figure', {}, cpuChart, h('figcaption', {}, 'CPU % since this page opened')), h('figure', {}, memChart, h('figcaption', {}, 'memory % since this page opened'))),
    h('h3', {}, 'Tags'), h('div', { class: 'tag-row' }, tags, tagInput, h('button', { onClick: () => spawn(addTag()) }, 'Add'), tagOut),
    h('h3', {}, 'Links and routes'), links,
    h('h3', {}, 'Apps'), apps, appBox,
    h('h3', {}, 'Logs'), logsBox,
    h('h3', {}, 'Config'), configBox);

  const addTag = async (): Promise<void> => {
    const t = tagInput.value.trim();
    if (!t) return;
    try {
      await post('/api/tag', { node: address, add: [t] });
      tagInput.value = '';
      tagOut.textContent = '';
    } catch (e) { tagOut.textContent = errText(e); }
  };
  tagInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') spawn(addTag()); });

  restart.addEventListener('click', () => {
    if (!confirm(`Restart ${nameOf(address)}? Its links drop until it is back.`)) return;
    restart.disabled = true;
    actionOut.textContent = 'restarting…';
    post<Reply<unknown>>('/api/restart', { node: address }).then(
      (r) => { actionOut.textContent = r.reply.ok ? 'restart sent; the node comes back on its own' : why(r.reply); },
      (e) => { actionOut.textContent = errText(e); },
    ).finally(() => { restart.disabled = false; });
  });
  let term: { close(): void } | undefined;
  termBtn.addEventListener('click', () => {
    if (term) { term.close(); term = undefined; termBtn.textContent = 'Terminal'; return; }
    termBtn.textContent = 'Close terminal';
    term = openTerminal(termBox, address, () => { term = undefined; termBtn.textContent = 'Terminal'; });
  });

  // Opened once the page knows the node is admitted (the feed may arrive after the page).
  let logs: { el: HTMLElement; close(): void } | undefined;
  const drawNode = (n: NodeView | undefined): void => {
    if (!n) { title.textContent = address; badge.textContent = 'not in the registry'; return; }
    if (!logs && n.enrolment === 'accepted') {
      logs = logsView(address, () => Object.keys(store.nodes.get(address)?.metrics.apps ?? {}));
      logsBox.replaceChildren(logs.el);
    }
    title.textContent = n.name || '(no name)';
    badge.textContent = stateOf(n);
    badge.dataset.state = stateOf(n);
    const m = n.metrics;
    facts.replaceChildren(...[
      ['Address', n.address], ['Path', n.via === null ? 'no route' : n.via === 'direct' ? 'direct' : `via ${nameOf(n.via)}`],
      ['Last seen', ago(Date.now() - n.lastSeenMs)], ['Version', n.version], ['Config', `v${n.configVersion}`], ['Enrolment', n.enrolment], // real-io: the browser's clock (page code, not a node)
    ].flatMap(([k, v]) => [h('dt', {}, k!), h('dd', { class: k === 'Address' ? 'mono' : '' }, v!)]));
    const up = typeof m.uptimeS === 'number' ? `${Math.floor(m.uptimeS / 86400)} d ${Math.floor((m.uptimeS % 86400) / 3600)} h ${Math.floor((m.uptimeS % 3600) / 60)} min` : '–';
    cards.replaceChildren(...[
      ['CPU', typeof m.cpuPct === 'number' ? `${m.cpuPct}%` : '–'], ['Load', typeof m.load1 === 'number' ? String(m.load1) : '–'],
      ['Memory', `${pct(m.memUsedMB, m.memTotalMB)} of ${m.memTotalMB ?? '–'} MB`], ['Disk', `${pct(m.diskUsedMB, m.diskTotalMB)} of ${m.diskTotalMB ?? '–'} MB`],
      ['Temperature', typeof m.tempC === 'number' ? `${m.tempC} °C` : 'no sensor'], ['Uptime', up],
    ].map(([k, v]) => h('div', { class: 'metric', 'data-metric': k!.toLowerCase() }, h('div', { class: 'k' }, k!), h('div', { class: 'v' }, v!))));
    const last = history.at(-1);
    if (!last || last.t !== n.lastSeenMs) {
      history.push({ t: n.lastSeenMs, cpu: m.cpuPct ?? null, mem: typeof m.memUsedMB === 'number' && m.memTotalMB ? (m.memUsedMB / m.memTotalMB) * 100 : null });
      if (history.length > 720) history.shift();
      sparkline(cpuChart, history.map((p) => p.cpu));
      sparkline(memChart, history.map((p) => p.mem));
    }
    tags.replaceChildren(...n.tags.map((t) => h('span', { class: 'tag' }, t, h('button', { class: 'x', 'aria-label': `remove tag ${t}`, onClick: () => void post('/api/tag', { node: address, remove: [t] }).catch((e) => { tagOut.textContent = errText(e); }) }, '×'))));
    const appRows = Object.entries(m.apps ?? {});
    apps.replaceChildren(appRows.length === 0 ? h('p', { class: 'muted' }, 'no apps (deploy one with "skywire app deploy")') : h('table', {},
      h('tr', {}, h('th', {}, 'App'), h('th', {}, 'Version'), h('th', {}, 'State'), h('th', {}, '')),
      ...appRows.map(([name, a]) => {
        const out = h('span', { class: 'result' });
        const btn = (verb: 'start' | 'stop' | 'remove'): HTMLButtonElement => h('button', { onClick: (e) => {
          if (verb === 'remove' && !confirm(`Remove ${name} and its data from ${nameOf(address)}?`)) return;
          (e.target as HTMLButtonElement).disabled = true;
          out.textContent = `${verb}…`;
          post<Reply<{ state?: string }>>('/api/app', { node: address, app: name, verb }).then(
            (r) => { out.textContent = r.reply.ok ? `${verb}: done` : why(r.reply); },
            (err) => { out.textContent = errText(err); }).finally(() => { (e.target as HTMLButtonElement).disabled = false; });
        } }, verb);
        const edit = h('button', { 'data-act': 'app-config', onClick: () => appEditor(store, address, name, appBox) }, 'config / move');
        return h('tr', { 'data-app': name }, h('td', {}, name), h('td', {}, a.version ?? '–'), h('td', {}, a.state === 'installed' ? 'stopped' : a.state), h('td', {}, btn('start'), btn('stop'), btn('remove'), edit, out));
      })));
  };

  const drawLinks = async (): Promise<void> => {
    const n = store.nodes.get(address);
    if (!n || n.enrolment !== 'accepted') { links.textContent = 'only admitted nodes answer'; return; }
    try {
      const r = await get<Reply<{ links: LinkRow[]; routes: RouteRow[] }>>(`/api/status?node=${encodeURIComponent(address)}`);
      if (!r.reply.ok) { links.textContent = `the node did not answer: ${why(r.reply)}`; return; }
      const s = r.reply.result;
      links.replaceChildren(
        h('table', { class: 'link-table' }, h('tr', {}, h('th', {}, 'Link to'), h('th', {}, 'State'), h('th', {}, 'RTT'), h('th', {}, 'Endpoint'), h('th', {}, 'Problem')),
          ...s.links.map((l) => h('tr', { 'data-state': l.state }, h('td', {}, nameOf(l.peer)), h('td', {}, l.state), h('td', {}, l.rttMs === null ? '–' : `${Math.round(l.rttMs)} ms`), h('td', { class: 'mono' }, l.endpoint ?? l.carrier), h('td', {}, l.problem ?? '')))),
        h('table', { class: 'route-table' }, h('tr', {}, h('th', {}, 'Route to'), h('th', {}, 'State'), h('th', {}, 'Hops'), h('th', {}, 'Path'), h('th', {}, 'Repairs')),
          ...s.routes.map((x) => h('tr', { 'data-state': x.state }, h('td', {}, nameOf(x.dest)), h('td', {}, x.state), h('td', {}, x.hops ?? '–'), h('td', {}, (x.path ?? []).map(nameOf).join(' → ')), h('td', {}, x.repairs)))),
        h('p', { class: 'muted' }, `as the node reported ${new Date().toLocaleTimeString()}`)); // real-io: the browser's clock (page code, not a node)
    } catch (e) { links.textContent = errText(e); }
  };

  const drawConfig = async (): Promise<void> => {
    let doc: Record<string, unknown>;
    try {
      const r = await get<Reply<{ config: Record<string, unknown> }>>(`/api/config?node=${encodeURIComponent(address)}`);
      if (!r.reply.ok) { configBox.replaceChildren(h('p', { class: 'muted' }, `cannot read the config: ${why(r.reply)}`)); return; }
      doc = r.reply.result.config;
    } catch (e) { configBox.replaceChildren(h('p', { class: 'muted' }, errText(e))); return; }
    // One field per top-level key (its value as JSON), errors beside each; master and relays
    // are kept by the node unless changed, so they are shown but not required.
    const keys = [...new Set(['name', 'listen', 'peers', 'relays', 'link', ...Object.keys(doc)])].filter((k) => k !== 'configVersion' && k !== 'version');
    const inputs = new Map<string, HTMLTextAreaElement>();
    const errs = new Map<string, HTMLElement>();
    const general = h('p', { class: 'field-error' });
    const out = h('span', { class: 'result' });
    const apply = h('button', { class: 'primary', 'data-act': 'apply-config' }, 'Apply');
    const collect = (): { doc: Record<string, unknown>; bad: string[] } => {
      const next: Record<string, unknown> = {};
      const bad: string[] = [];
      for (const [k, ta] of inputs) {
        const t = ta.value.trim();
        if (t === '') continue;
        try { next[k] = JSON.parse(t); } catch { bad.push(k); }
      }
      return { doc: next, bad };
    };
    let checking = 0;
    const check = async (): Promise<boolean> => {
      const mine = ++checking;
      const { doc: next, bad } = collect();
      for (const e of errs.values()) e.textContent = '';
      general.textContent = '';
      for (const k of bad) errs.get(k)!.textContent = 'not valid JSON (strings need "quotes")';
      if (bad.length) { apply.disabled = true; return false; }
      const r = await post<{ issues: { field: string; message: string }[] }>('/api/config-check', { config: next });
      if (mine !== checking) return false;
      for (const i of r.issues) {
        const top = i.field.split('.')[0]!;
        const slot = errs.get(top);
        if (slot) slot.textContent = `${i.field}: ${i.message}`; else general.textContent = `${i.field}: ${i.message}`;
      }
      apply.disabled = r.issues.length > 0;
      return r.issues.length === 0;
    };
    let timer = 0;
    const fields = keys.map((k) => {
      const ta = h('textarea', { 'data-field': k, rows: typeof doc[k] === 'object' && doc[k] !== null ? 3 : 1, spellcheck: 'false' });
      ta.value = doc[k] === undefined ? '' : JSON.stringify(doc[k]);
      ta.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(() => void check().catch((e) => { general.textContent = errText(e); }), 300); }); // real-io: the browser's clock (page code, not a node)
      const err = h('div', { class: 'field-error', 'data-error-for': k });
      inputs.set(k, ta);
      errs.set(k, err);
      return h('label', { class: 'field' }, h('span', { class: 'k' }, k), ta, err);
    });
    apply.addEventListener('click', () => {
      apply.disabled = true;
      out.textContent = 'checking…';
      void check().then(async (ok) => {
        if (!ok) { out.textContent = 'fix the fields marked first'; return; }
        out.textContent = 'sending…';
        const r = await post<Reply<{ applied: number }>>('/api/config', { node: address, config: collect().doc });
        out.textContent = r.reply.ok ? `config version ${r.reply.result.applied} applied` : why(r.reply);
      }).catch((e) => { out.textContent = errText(e); }).finally(() => { apply.disabled = false; });
    });
    configBox.replaceChildren(h('p', { class: 'muted' }, 'Each field holds JSON. Peers and link changes apply at once or at the next restart; the node keeps its master key and relays unless you change them.'), ...fields, general, h('div', { class: 'actions' }, apply, out));
  };

  const off = store.on((c) => { if (c === 'all' || c.includes(address)) drawNode(store.nodes.get(address)); });
  drawNode(store.nodes.get(address));
  spawn(drawLinks());
  spawn(drawConfig());
  const timer = setInterval(() => { if (store.nodes.get(address)?.online) spawn(drawLinks()); }, 5000); // real-io: the browser's clock (page code, not a node)
  return { el, destroy: () => { off(); clearInterval(timer); term?.close(); logs?.close(); } };
};
