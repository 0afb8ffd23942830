// The highest command sequence number this node accepted, in HOME/command-seq.json. Written
// atomically and synchronously before the command runs: after a crash or restart the node still
// refuses every command it has already accepted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import type { SeqStore } from './command-verifier.ts';
import { mustWrite } from '../node/disk-health.ts';

export const SEQ_FILE = 'command-seq.json';

export const fileSeqStore = (home: string): SeqStore => {
  const path = join(home, SEQ_FILE);
  let last = 0;
  try {
    const d = JSON.parse(readFileSync(path, 'utf8')) as { lastSeq?: unknown };
    if (Number.isSafeInteger(d.lastSeq)) last = d.lastSeq as number;
  } catch {
    // Missing is a fresh node. A torn file cannot happen through atomic writes; if one is
    // damaged by hand, the verifier's time window still bounds what could be replayed.
    last = 0;
  }
  return {
    last: () => last,
    accept(seq) {
      // Not on disk, not run: a full disk refuses the command (WRITE_FAILED) rather than risk a replay.
      mustWrite(path, 'the command was not run', () => writeFileAtomic(path, JSON.stringify({ lastSeq: seq }) + '\n'), 'send it again');
      last = seq;
    },
  };
};

export const memorySeqStore = (start = 0): SeqStore => {
  let last = start;
  return { last: () => last, accept: (s) => { last = s; } };
};
