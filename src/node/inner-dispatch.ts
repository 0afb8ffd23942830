// What a link does with an authenticated inner message, whichever way it was authenticated
// (AEAD session on UDP and encrypted radio, signed frame on amateur radio).
import { decodeInner } from '../wire/inner.ts';
import type { SkyNode } from './node.ts';
import type { LinkActor } from '../../actors/link-actor.ts';

export const onInner = (node: SkyNode, link: LinkActor, plain: Uint8Array): void => {
  const inner = decodeInner(plain);
  if (!inner.ok) return node.countDrop(inner.reason);
  const m = inner.value;
  if (m.kind === 'ping') link.send({ kind: 'pong', id: m.id, sentAt: m.sentAt });
  else if (m.kind === 'pong') link.stats.pong(m.id, m.sentAt, node.clock.now());
  else if (m.kind === 'payload') node.deliver(link.peer, m.bytes);
};
