// Entry of the built-in files app (ownCloud-like storage): serves the files protocol on its
// overlay port over the app's data directory. One hash cache and one refusal count for all
// streams. A bad config/files.json is one clear line on stderr and exit 1, so the node reports
// the start as failed instead of running with a quota nobody asked for.
import { connectApp } from '../../sdk/index.ts';
import { readFilesConfig } from './files-config.ts';
import { FILES_PORT } from './files-port.ts';
import { serveFiles } from './serve-files.ts';
import { newSumCache } from './sum-cache.ts';

const quotaIn = (configDir: string): number => {
  try {
    return readFilesConfig(configDir).quotaBytes;
  } catch (e) {
    process.stderr.write(`files: ${(e as Error).message}\n`);
    return process.exit(1);
  }
};

const sdk = await connectApp();
const quotaBytes = quotaIn(sdk.paths.config);
const opts = { dataDir: sdk.paths.data, quotaBytes, sums: newSumCache(), refused: {} as Record<string, number> };
await sdk.listen(FILES_PORT, (stream) => serveFiles(stream, opts));
await sdk.ready();
