// `skywire node --boot DIR`: watch DIR/skywire/master.txt, fold each valid version into
// HOME/config.json, and say on the console what is wrong with an invalid one. The running node
// learns of a (new) master through onChange; status shows the file's state.
import type { Clock } from '../env/clock.ts';
import { BootWatcher } from '../boot/boot-watcher.ts';
import { masterFilePath } from '../boot/boot-dir.ts';
import { applyBootFile } from '../boot/apply-boot.ts';
import type { MasterFile } from '../boot/master-file.ts';
import type { Logger } from './logger.ts';

export interface BootWatch { watcher: BootWatcher; onChange(fn: (mf: MasterFile) => void): void }

export const startBootWatch = (home: string, bootDir: string, clock: Clock, pollMs: number, log: Logger): BootWatch => {
  let listener: ((mf: MasterFile) => void) | undefined;
  // After a reported error the console also hears that the file is fine again, even when the
  // fixed file changes nothing in config.json (it was put back as it was).
  let broken = false;
  const watcher = new BootWatcher({
    path: masterFilePath(bootDir), clock, pollMs,
    onValid: (mf) => {
      try {
        if (applyBootFile(home, mf)) log.info(`boot file ${masterFilePath(bootDir)} applied: master ${mf.masterAddress}, ${mf.relays.length} relay(s)`);
        else if (broken) log.info(`boot file ${masterFilePath(bootDir)} is valid again: master ${mf.masterAddress}, ${mf.relays.length} relay(s), nothing to change`);
        broken = false;
      } catch (e) {
        log.warn(`boot file ${masterFilePath(bootDir)}: ${(e as Error).message}`);
        return;
      }
      listener?.(mf);
    },
    onError: (e) => { broken = true; log.warn(`${e.message} [${e.code}]`); },
  }).start();
  return { watcher, onChange: (fn) => { listener = fn; } };
};
