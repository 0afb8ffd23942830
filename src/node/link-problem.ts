// Why a link is not up, in words an operator can act on: the three failures that used to look
// the same (an endless "handshaking -> down"): the peer's host name does not resolve, nobody
// answers at the endpoint, or the endpoint answers as another node (wrong address or key).
import type { LinkActor } from '../../actors/link-actor.ts';

/** Silence this long while dialling is reported; shorter is an ordinary handshake. */
export const NO_ANSWER_AFTER_MS = 10_000;
/** A misaddressed notice counts for this long (the peer may have been fixed since). */
const NOTICE_FRESH_MS = 60_000;

const DNS_ERRORS: readonly string[] = Object.freeze(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

export const linkProblem = (l: LinkActor, now: number): string | null => {
  if (l.state === 'up' || l.endpoint === undefined) return null;
  const ep = l.endpoint;
  const err = l.carrier.sendErrorFor?.(ep);
  if (err && DNS_ERRORS.includes(err)) return `cannot resolve the host of ${ep} (${err}): check the name in the peer's endpoint, or the DNS of this machine`;
  if (err) return `cannot send to ${ep} (${err}): check this machine's network and routes`;
  if (l.misaddressed && now - l.misaddressed.at < NOTICE_FRESH_MS) {
    return `${ep} answers as node ${l.misaddressed.answeredAs}, not ${l.peer}: fix the address in the peer spec (the one "skywire id" prints on that node)`;
  }
  if (l.dialingSince !== undefined && now - l.dialingSince >= NO_ANSWER_AFTER_MS && l.stats.lastRx < l.dialingSince) {
    return `no answer from ${ep} for ${Math.round((now - l.dialingSince) / 1000)} s: nothing listening there, a firewall, or that node does not accept this one (add it to the peer's peers, or admit it to the fleet)`;
  }
  return null;
};
