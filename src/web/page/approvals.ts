// Nodes waiting for approval: the address (what the key proves) and the name it claims (what
// it says), and why it is held when that is more than waiting. Approve admits it; refuse takes
// it out (its credential, if any, is revoked and it stays out until approved).
import { h, ago, spawn } from './dom.ts';
import { post, ApiError } from './api.ts';
import type { FleetStore } from './fleet-store.ts';

export const approvals = (store: FleetStore): { el: HTMLElement; destroy(): void } => {
  const list = h('div', { class: 'cards' });
  const note = h('p', { class: 'note' });
  const el = h('section', { class: 'approvals' }, h('h2', {}, 'Waiting for approval'), note, list);
  const act = async (verb: 'approve' | 'remove', address: string, btn: HTMLButtonElement, out: HTMLElement): Promise<void> => {
    btn.disabled = true;
    try {
      await post(`/api/${verb}`, { node: address });
      out.textContent = verb === 'approve' ? 'approved' : 'refused';
    } catch (e) {
      out.textContent = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
      btn.disabled = false;
    }
  };
  const draw = (): void => {
    const pending = [...store.nodes.values()].filter((n) => n.enrolment === 'pending').sort((a, b) => a.firstSeenMs - b.firstSeenMs);
    note.textContent = pending.length === 0 ? 'No node is waiting. With "skywire master --approval", new nodes appear here until you approve them.' : `${pending.length} node(s) waiting. The address is proven by the node's key; the name is only what it claims.`;
    list.replaceChildren(...pending.map((n) => {
      const out = h('span', { class: 'result' });
      const approve = h('button', { class: 'primary', 'data-act': 'approve' }, 'Approve');
      const refuse = h('button', { 'data-act': 'refuse' }, 'Refuse');
      approve.addEventListener('click', () => spawn(act('approve', n.address, approve, out)));
      refuse.addEventListener('click', () => spawn(act('remove', n.address, refuse, out)));
      return h('div', { class: 'card pending', 'data-address': n.address },
        h('div', { class: 'title' }, h('span', { class: 'claimed' }, n.name || '(no name)'), n.held === 'name-taken' ? h('span', { class: 'warn' }, ' name already taken by an admitted node') : null),
        h('div', { class: 'mono' }, n.address),
        h('div', { class: 'muted' }, `first seen ${ago(Date.now() - n.firstSeenMs)}, version ${n.version}, ${n.online ? 'connected' : 'not connected'}`), // real-io: the browser's clock (page code, not a node)
        h('div', { class: 'actions' }, approve, refuse, out));
    }));
  };
  const off = store.on(draw);
  draw();
  return { el, destroy: off };
};
