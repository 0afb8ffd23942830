// `npm run test:quick`: the unit tests (codecs, machines, streams, topology, the simulator's
// queue and network, in-process links), no CLI processes, namespaces or sandboxes: under a
// minute on two cores. `npm test` runs everything.
const unit = [
  'aead-backends', 'boot-master-file', 'clock-scheduler', 'command-verify', 'crypto-suite', 'disk-retry',
  'exit-policy', 'fuzz', 'key-file', 'link-machine', 'link-slow-peer', 'master-registration',
  'membership-credential', 'radio-amateur', 'radio-ax25', 'radio-channel', 'radio-kiss-fuzz', 'radio-kiss',
  'radio-sms-chain', 'route-mem', 'route-wire', 'seam', 'sim-network', 'sim-queue', 'sms-codec',
  'stream-behaviour', 'stream-codec', 'stream-duplex', 'stream-errors', 'stream-transfer', 'term-gate',
  'topology-flooder', 'topology-fragments', 'topology-lsdb', 'topology-paths', 'topology-record',
  'topology-service', 'wire-codecs',
];
export default {
  files: unit.map((n) => `test/${n}.test.ts`),
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '60s',
  concurrency: 2,
  workerThreads: false,
};
