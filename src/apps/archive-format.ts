// "Skywire app archive v1": the backup and move format of an installed app. The same
// deterministic ustar as a bundle (bundle-format.ts) and the same safety rules on the way in,
// but it also carries data/, byte for byte with its empty directories, so that restoring it on
// another node gives back the app as it was. The node's own state for the app (HOME/run/apps,
// src.next, src.prev) is not part of it.
import { ARCHIVE_FORMAT } from './bundle-format.ts';
import { packDir } from './bundle-build.ts';
import { unpackInto, type ExtractOptions, type Extracted } from './bundle-extract.ts';

/** `appRoot` is HOME/apps/NAME (appPaths(home, name).root). */
export const packArchive = async (appRoot: string): Promise<Buffer> => (await packDir(appRoot, ARCHIVE_FORMAT)).bytes;

/** Into an empty (or not yet existing) app root. */
export const unpackArchive = (bytes: Uint8Array, destRoot: string, opts?: ExtractOptions): Promise<Extracted> =>
  unpackInto(bytes, destRoot, ARCHIVE_FORMAT, opts);
