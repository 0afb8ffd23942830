// A shell on a node in the page (xterm.js), through the master's signed `term` path: the
// master's bridge (src/web/web-term.ts) speaks the terminal frames; here binary messages are
// bytes and text messages are JSON. Raw mode is the terminal's own (xterm sends every key);
// resizes follow the box; the exit status is shown when the shell ends.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { h } from './dom.ts';

export const openTerminal = (box: HTMLElement, address: string, onEnd: () => void): { close(): void } => {
  const status = h('div', { class: 'term-status' }, 'opening a terminal…');
  const screen = h('div', { class: 'term-screen' });
  box.replaceChildren(status, screen);
  const term = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);
  fit.fit();
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/term?node=${encodeURIComponent(address)}&cols=${term.cols}&rows=${term.rows}`);
  ws.binaryType = 'arraybuffer';
  const enc = new TextEncoder();
  let ended = false;
  const end = (text: string): void => {
    if (ended) return;
    ended = true;
    status.textContent = text;
    status.dataset.ended = 'true';
    onEnd();
  };
  ws.onmessage = (e) => {
    if (e.data instanceof ArrayBuffer) return term.write(new Uint8Array(e.data));
    const m = JSON.parse(String(e.data)) as { open?: { pid?: number }; exit?: { code?: number | null; signal?: number | null }; error?: { code?: string; message?: string } };
    if (m.open) { status.textContent = `connected (pid ${m.open.pid ?? '?'})`; term.focus(); }
    else if (m.exit) end(`the shell exited with status ${typeof m.exit.code === 'number' ? m.exit.code : typeof m.exit.signal === 'number' ? 128 + m.exit.signal : '?'}`);
    else if (m.error) end(`refused: ${m.error.code ?? ''} ${m.error.message ?? ''}`.trim());
  };
  ws.onclose = () => end('the terminal connection closed');
  term.onData((s) => { if (ws.readyState === ws.OPEN) ws.send(enc.encode(s)); });
  term.onBinary((s) => { if (ws.readyState === ws.OPEN) ws.send(Uint8Array.from(s, (c) => c.charCodeAt(0))); });
  term.onResize(({ cols, rows }) => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ resize: [cols, rows] })); });
  const refit = (): void => fit.fit();
  window.addEventListener('resize', refit);
  return {
    close: () => {
      window.removeEventListener('resize', refit);
      ws.close();
      term.dispose();
      box.replaceChildren();
    },
  };
};
