// Entry of the built-in files app (ownCloud-like storage): serves the files protocol on its
// overlay port over the app's data directory. One store (quota counter, pending uploads, hash
// cache, refusal counts) for all streams. A bad config/files.json is one clear line on stderr
// and exit 1, so the node reports the start as failed instead of running with limits nobody
// asked for.
import { connectApp } from '../../sdk/index.ts';
import { realClock } from '../../../env/real-clock.ts';
import { realRandom } from '../../../env/real-random.ts';
import { readFilesConfig, type FilesConfig } from './files-config.ts';
import { FILES_PORT } from './files-port.ts';
import { openFilesStore } from './files-store.ts';
import { serveFiles } from './serve-files.ts';

const configIn = (configDir: string): FilesConfig => {
  try {
    return readFilesConfig(configDir);
  } catch (e) {
    process.stderr.write(`files: ${(e as Error).message}\n`);
    return process.exit(1);
  }
};

const sdk = await connectApp();
const c = configIn(sdk.paths.config);
// The app is its own process: real wall time is its clock (partials expire by it).
const store = await openFilesStore({
  dataDir: sdk.paths.data, quotaBytes: c.quotaBytes, maxEntries: c.maxEntries, maxPendingUploads: c.maxPendingUploads,
  partialExpiryMs: Math.round(c.partialExpiryHours * 3600_000), wallMs: realClock().wallMs, random: realRandom(),
});
await sdk.listen(FILES_PORT, (stream) => serveFiles(stream, store));
await sdk.ready();
