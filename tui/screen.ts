// One blessed screen with the keys every Skywire TUI shares: `?` toggles a help box, q and
// Ctrl-C quit. Layout is left to each TUI; boxes sized in percentages follow a resize.
import blessed from 'blessed';

export interface TuiScreen {
  screen: blessed.Widgets.Screen;
  /** Resolves when the user quits (q, Ctrl-C) or close() is called. */
  closed: Promise<void>;
  close(): void;
}

export const openScreen = (title: string, help: string[]): TuiScreen => {
  const screen = blessed.screen({ smartCSR: true, title, autoPadding: true, warnings: false, fullUnicode: false });
  const box = blessed.box({
    parent: screen, hidden: true, top: 'center', left: 'center', width: '80%', height: help.length + 4,
    border: 'line', label: ' keys (? or Esc closes) ', tags: false, content: help.join('\n'),
    style: { border: { fg: 'yellow' } },
  });
  let done!: () => void;
  const closed = new Promise<void>((r) => { done = r; });
  let isClosed = false;
  const close = (): void => {
    if (isClosed) return;
    isClosed = true;
    screen.destroy();
    done();
  };
  screen.key(['?'], () => { box.toggle(); box.setFront(); screen.render(); });
  screen.key(['escape'], () => { if (!box.hidden) { box.hide(); screen.render(); } });
  screen.key(['q', 'C-c'], close);
  // Blessed re-lays out percentage boxes on resize; render again so content is re-clipped.
  screen.on('resize', () => screen.render());
  return { screen, closed, close };
};

/** Fit a string to exactly `n` columns (cut or pad), so table columns stay aligned. */
export const fit = (s: string, n: number): string => (s.length > n ? s.slice(0, Math.max(0, n - 1)) + '~' : s.padEnd(n));

export const bytes = (n: number): string => (n < 10_000 ? `${n}B` : n < 10_000_000 ? `${Math.round(n / 1024)}K` : `${Math.round(n / 1048576)}M`);

export const agoS = (ms: number): string => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 3_600_000)}h`);

/** setLabel only on change: blessed re-registers label listeners on every call, and a label
 *  set during a list's scroll re-enters render. */
export const setLabel = (el: { setLabel(s: string): void }, label: string, cache: Map<object, string>): void => {
  if (cache.get(el) === label) return;
  cache.set(el, label);
  el.setLabel(label);
};

/** Wraps one line to `width` columns at spaces (continuation lines indented by `indent`); a word
 *  longer than a line is split, one column short of the edge, so nothing runs into a border. */
export const wrapWords = (line: string, width: number, indent = '  '): string[] => {
  const w = Math.max(8, width);
  if (line.length <= w) return [line];
  const out: string[] = [];
  let cur = '';
  const room = (): number => w - (out.length ? indent.length : 0);
  const push = (): void => { out.push((out.length ? indent : '') + cur.trimEnd()); cur = ''; };
  for (const word of line.split(/(?<= )/)) {
    if (cur.length + word.trimEnd().length <= room()) { cur += word; continue; }
    if (cur.trim()) push();
    let rest = word;
    while (rest.trimEnd().length > room()) { const n = room() - 1; cur = rest.slice(0, n); rest = rest.slice(n); push(); }
    cur = rest;
  }
  if (cur.trim() || out.length === 0) push();
  return out;
};

/** All lines wrapped to `width` (see wrapWords). */
export const wrapAll = (lines: string[], width: number, indent = '  '): string[] => lines.flatMap((l) => wrapWords(l, width, indent));

/** Shortens a line to `width` columns at a word boundary, ending in '…', for one-line places
 *  (headers, footers, labels). */
export const clip = (s: string, width: number): string => {
  if (s.length <= width) return s;
  const cut = s.slice(0, Math.max(0, width - 1));
  const sp = cut.lastIndexOf(' ');
  return `${(sp > width / 2 ? cut.slice(0, sp) : cut).trimEnd()}…`;
};

/** Columns for text in a bordered box: its width less the two borders and one free column, so
 *  a full line ends before the border and reads as whole, never as cut by it. */
export const textWidth = (b: { width: number | string }): number => Math.max(1, Number(b.width) - 3);
