// Stream failures reach apps as SkywireError with one of four codes, so they branch on `code`.
import { SkywireError } from '../errors.ts';

export type StreamErrorCode = 'unreachable' | 'refused' | 'timeout' | 'reset' | 'forbidden';

const MESSAGES: Readonly<Record<StreamErrorCode, string>> = Object.freeze({
  unreachable: 'no route to the remote node could be set up',
  refused: 'the remote node has no listener on that port',
  timeout: 'the remote node stopped answering',
  reset: 'the stream was reset',
  forbidden: 'the fleet refused the route: this node is not an admitted member, and strangers reach only the master\'s registration (on the master: "skywire nodes approve ADDRESS")',
});

export const isStreamErrorCode = (c: unknown): c is StreamErrorCode =>
  c === 'unreachable' || c === 'refused' || c === 'timeout' || c === 'reset' || c === 'forbidden';

export const streamError = (code: StreamErrorCode, detail?: string): SkywireError =>
  new SkywireError(code, detail ? `${MESSAGES[code]} (${detail})` : MESSAGES[code]);

/** The stream code of an error, or undefined when it is not a stream failure. */
export const streamErrorCode = (e: unknown): StreamErrorCode | undefined => {
  const code: unknown = e instanceof SkywireError ? e.code : undefined;
  return isStreamErrorCode(code) ? code : undefined;
};
