// `npm run test:image`: the node image built and booted under QEMU (test/image-*.test.ts). Apart
// from `npm test` because it needs root and takes ~6 minutes, most of it building the image;
// .ci/run runs both.
export default {
  files: ['test/image-*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '25m',
  concurrency: 1,
  workerThreads: false,
};
