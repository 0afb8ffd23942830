// Where the boot partition is mounted: /boot/firmware on current Raspberry Pi OS, /boot on older
// releases and most other images. The operator can always name it with --boot DIR.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BOOT_CANDIDATES: readonly string[] = Object.freeze(['/boot/firmware', '/boot']);
export const MASTER_FILE = join('skywire', 'master.txt');

export const defaultBootDir = (exists: (p: string) => boolean = existsSync): string =>
  BOOT_CANDIDATES.find((d) => exists(join(d, 'skywire')))
  ?? BOOT_CANDIDATES.find((d) => exists(d))
  ?? '/boot';

export const masterFilePath = (bootDir: string): string => join(bootDir, MASTER_FILE);
