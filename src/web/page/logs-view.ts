// A node's log (or one app's) on its page: the last lines, then new ones while "follow" is on,
// through the master's signed logs path (nothing is stored on the master). The box keeps at
// most KEEP lines, so a chatty node cannot fill the browser's memory either.
import { h } from './dom.ts';

const KEEP = 2000;

export const logsView = (address: string, apps: () => string[]): { el: HTMLElement; close(): void } => {
  const pick = h('select', { 'aria-label': 'which log' });
  const follow = h('input', { type: 'checkbox', checked: true, 'aria-label': 'follow' });
  const status = h('span', { class: 'muted log-status' });
  const pre = h('pre', { class: 'log-box', tabindex: 0 });
  const el = h('div', { class: 'logs' }, h('div', { class: 'toolbar' }, pick, h('label', {}, follow, ' follow'), status), pre);
  let ws: WebSocket | undefined;
  // A busy node can miss the first-frame deadline (a timeout, not a refusal): asked again a few
  // times before the box says so for good.
  let retries = 0;
  let lines: string[] = [];
  let partial = '';
  const fill = (): void => {
    const was = pick.value;
    pick.replaceChildren(h('option', { value: '' }, 'node'), ...apps().map((a) => h('option', { value: a }, `app ${a}`)));
    pick.value = [...pick.options].some((o) => o.value === was) ? was : '';
  };
  const open = (): void => {
    ws?.close();
    lines = [];
    partial = '';
    pre.textContent = '';
    const app = pick.value;
    const dec = new TextDecoder();
    const sock = (ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/logs?node=${encodeURIComponent(address)}&lines=200&follow=${follow.checked ? 1 : 0}${app ? `&app=${encodeURIComponent(app)}` : ''}`));
    sock.binaryType = 'arraybuffer';
    status.textContent = 'connecting…';
    sock.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) {
        const text = partial + dec.decode(new Uint8Array(e.data), { stream: true });
        const parts = text.split('\n');
        partial = parts.pop()!;
        lines.push(...parts);
        if (lines.length > KEEP) lines = lines.slice(-KEEP);
        const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = lines.join('\n');
        if (atBottom) pre.scrollTop = pre.scrollHeight;
        return;
      }
      const m = JSON.parse(String(e.data)) as { open?: unknown; exit?: unknown; error?: { code?: string; message?: string } };
      if (m.open) { retries = 0; status.textContent = follow.checked ? 'following' : 'loaded'; } else if (m.exit) status.textContent = `${lines.length} line(s)`;
      else if (m.error && m.error.code === 'timeout' && retries < 5) {
        retries++;
        status.textContent = `the node did not answer in time; asking again (${retries})`;
        setTimeout(() => { if (ws === sock) open(); }, 2000); // real-io: the browser's clock (page code, not a node)
      } else if (m.error) status.textContent = `refused: ${m.error.message ?? m.error.code ?? ''}`;
    };
    sock.onclose = () => { if (ws === sock && follow.checked && status.textContent === 'following') status.textContent = 'the log stream ended'; };
  };
  const reopen = (): void => { retries = 0; open(); };
  pick.addEventListener('change', reopen);
  follow.addEventListener('change', reopen);
  fill();
  open();
  return { el, close: () => { const s = ws; ws = undefined; s?.close(); } };
};
