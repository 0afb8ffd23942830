// A tiny element builder: text always goes in as text nodes, never as HTML, because names,
// tags and states on this page come from nodes, and a pending node may claim any name.
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...kids: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
};

export const clear = (el: Element): void => { el.replaceChildren(); };

// The CLI's own wording, so the page and `skywire nodes` say the same.
export { ago, share as pct } from '../../cli/format-fleet.ts';

/** Runs a promise whose failures its own code already shows; anything left is logged. */
export const spawn = (p: Promise<unknown>): void => { p.catch((e: unknown) => console.error(e)); };
