// Heap measurement for the bounded-state tests: a full collection first (gc exposed at run
// time, so ava needs no extra node flags), then heapUsed in MB.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** heapUsed in MB after two full collections (the second catches what finalizers freed). */
export const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
