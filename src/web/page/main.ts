// The dashboard page: log in (a token from the URL fragment, or typed), then the fleet, the
// approvals, the topology and one page per node, chosen by the URL hash so links and the back
// button work. One WebSocket feed keeps everything live.
import '@xterm/xterm/css/xterm.css';
import './app.css';
import { h, spawn } from './dom.ts';
import { get, post, setCsrf, ApiError, type SessionInfo } from './api.ts';
import { FleetStore, stateOf } from './fleet-store.ts';
import { fleetTable } from './fleet-table.ts';
import { approvals } from './approvals.ts';
import { nodePage } from './node-page.ts';
import { topologyPage } from './topology.ts';
import { deployPage } from './deploy.ts';

const app = document.getElementById('app')!;

const loginForm = (why?: string): void => {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', placeholder: 'login token', 'aria-label': 'login token', required: true });
  const out = h('p', { class: 'field-error', role: 'alert' }, why ?? '');
  const form = h('form', { class: 'login' },
    h('h1', {}, 'Skywire'),
    h('p', { class: 'muted' }, 'The master printed a login token when it started; it is also in the file web-login in its home directory.'),
    input, h('button', { class: 'primary', type: 'submit' }, 'Log in'), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    out.textContent = '';
    login(input.value).catch((err) => { out.textContent = err instanceof ApiError ? err.message : String(err); });
  });
  app.replaceChildren(form);
  input.focus();
};

const login = async (token: string): Promise<void> => {
  const s = await post<SessionInfo>('/api/login', { token });
  start(s);
};

let store: FleetStore | undefined;

const start = (s: SessionInfo): void => {
  setCsrf(s.csrf);
  store?.close();
  const st = (store = new FleetStore(() => { st.close(); loginForm('Your session ended; log in again.'); }));
  const counts = h('span', { class: 'counts' });
  const live = h('span', { class: 'live' });
  const nav = h('nav', {},
    h('a', { href: '#/fleet', 'data-tab': 'fleet' }, 'Fleet'),
    h('a', { href: '#/approvals', 'data-tab': 'approvals' }, 'Approvals'),
    h('a', { href: '#/topology', 'data-tab': 'topology' }, 'Topology'),
    h('a', { href: '#/deploy', 'data-tab': 'deploy' }, 'Deploy'));
  const logout = h('button', { class: 'link' }, 'Log out');
  logout.addEventListener('click', () => { spawn(post('/api/logout', {}).finally(() => { st.close(); loginForm(); })); });
  const main = h('main', {});
  app.replaceChildren(h('header', {}, h('strong', {}, 'Skywire'), h('span', { class: 'master', title: s.master.address }, ` master ${s.master.name || s.master.address.slice(0, 12)}`), nav, counts, live, logout), main);
  const drawCounts = (): void => {
    const all = [...st.nodes.values()];
    const by = (k: string): number => all.filter((n) => stateOf(n) === k).length;
    counts.textContent = `${all.length} nodes · ${by('online')} online · ${by('offline')} offline · ${by('pending')} pending`;
    live.textContent = st.connected ? '● live' : '○ reconnecting';
    live.dataset.live = String(st.connected);
  };
  st.on(drawCounts);
  let view: { el: HTMLElement; destroy(): void } | undefined;
  const route = (): void => {
    view?.destroy();
    const hash = location.hash.replace(/^#\/?/, '') || 'fleet';
    const [tab, arg] = hash.split('/');
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.tab === tab);
    if (tab === 'node' && arg) view = nodePage(st, decodeURIComponent(arg));
    else if (tab === 'approvals') view = approvals(st);
    else if (tab === 'deploy') view = deployPage(st);
    else if (tab === 'topology') view = topologyPage(st, (a) => { location.hash = `#/node/${a}`; });
    else view = fleetTable(st, (a) => { location.hash = `#/node/${a}`; });
    main.replaceChildren(view.el);
  };
  window.onhashchange = route;
  route();
  st.connect();
};

const boot = async (): Promise<void> => {
  // A token in the fragment (the URL the master printed) logs in once and is then removed from
  // the address bar and history.
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname);
    try { return await login(m[1]!); } catch (e) { return loginForm(e instanceof ApiError ? e.message : String(e)); }
  }
  try {
    start(await get<SessionInfo>('/api/session'));
  } catch {
    loginForm();
  }
};

spawn(boot());
