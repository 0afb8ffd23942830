// An app's config files and its move to another node, from the node page. The files are the
// app's config/ as the node holds it; Apply replaces them whole (signed, versioned one above
// the node's, a running app restarts). Move stops the app here, copies src, config and data to
// the other node, starts it there and removes it here once it is healthy (`skywire app move`).
import { h } from './dom.ts';
import { get, post, why, errText, type Reply } from './api.ts';
import type { FleetStore } from './fleet-store.ts';


const toB64 = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(bin);
};
const fromB64 = (b64: string): string => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

export const appEditor = (store: FleetStore, address: string, app: string, box: HTMLElement): void => {
  const out = h('span', { class: 'result' });
  box.replaceChildren(h('h4', {}, `${app}: config and move`), h('p', { class: 'muted' }, 'loading the app\'s config…'));
  get<Reply<{ version: number; files: Record<string, string>; skipped: string[] }>>(`/api/app-config?node=${encodeURIComponent(address)}&app=${encodeURIComponent(app)}`).then((r) => {
    if (!r.reply.ok) { box.replaceChildren(h('p', { class: 'muted' }, `cannot read ${app}'s config: ${why(r.reply)}`)); return; }
    const { version, files, skipped } = r.reply.result;
    const areas = new Map<string, HTMLTextAreaElement>();
    const fields = Object.entries(files).map(([name, b64]) => {
      const ta = h('textarea', { 'data-app-file': name, rows: 4, spellcheck: 'false' });
      ta.value = fromB64(b64);
      areas.set(name, ta);
      return h('label', { class: 'field' }, h('span', { class: 'k' }, name), ta);
    });
    const newName = h('input', { placeholder: 'new file name', 'aria-label': 'new config file name', maxlength: 64 });
    const addFile = h('button', {}, 'Add file');
    const list = h('div', {}, ...fields);
    addFile.addEventListener('click', () => {
      const n = newName.value.trim();
      if (!n || areas.has(n)) return;
      const ta = h('textarea', { 'data-app-file': n, rows: 4, spellcheck: 'false' });
      areas.set(n, ta);
      list.append(h('label', { class: 'field' }, h('span', { class: 'k' }, n), ta));
      newName.value = '';
    });
    const apply = h('button', { class: 'primary', 'data-act': 'apply-app-config' }, 'Apply config');
    apply.addEventListener('click', () => {
      apply.disabled = true;
      out.textContent = 'sending…';
      const payload = Object.fromEntries([...areas].map(([n, ta]) => [n, toB64(ta.value)]));
      post<Reply<{ version: number; restarted: boolean }>>('/api/app-config', { node: address, app, files: payload }).then(
        (x) => { out.textContent = x.reply.ok ? `config version ${x.reply.result.version} applied${x.reply.result.restarted ? ', app restarted' : ''}` : why(x.reply); },
        (e) => { out.textContent = errText(e); }).finally(() => { apply.disabled = false; });
    });
    const others = [...store.nodes.values()].filter((n) => n.enrolment === 'accepted' && n.address !== address);
    const to = h('select', { 'aria-label': 'move to' }, ...others.map((n) => h('option', { value: n.address }, n.name || n.address.slice(0, 12))));
    const move = h('button', { 'data-act': 'move-app' }, 'Move');
    move.addEventListener('click', () => {
      if (!to.value || !confirm(`Move ${app} with its data to ${to.selectedOptions[0]?.textContent ?? to.value}? It stops here first.`)) return;
      move.disabled = true;
      out.textContent = 'moving…';
      post<{ phase?: string }>('/api/app-move', { app, from: address, to: to.value }).then(
        () => { out.textContent = 'moved'; },
        (e) => { out.textContent = errText(e); }).finally(() => { move.disabled = false; });
    });
    box.replaceChildren(h('h4', {}, `${app}: config (version ${version}) and move`),
      h('p', { class: 'muted' }, skipped.length ? `not editable here: ${skipped.join(', ')}` : 'Each file of the app\'s config/; Apply replaces them all.'),
      list, h('div', { class: 'actions' }, newName, addFile, apply),
      h('div', { class: 'actions' }, 'Move to', to, move), out);
  }, (e) => { box.replaceChildren(h('p', { class: 'muted' }, errText(e))); });
};
