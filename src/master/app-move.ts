// `skywire app move APP --from A --to B`: stop on A, copy to B, start on B, and remove from A only
// once B reports the app healthy. Each step is written to a journal in the master's home before
// the next one starts, and the archive is kept there until the end, so a move interrupted at any
// point (master killed, B unreachable, B's copy unhealthy) has lost nothing: A still holds the
// app, or B runs it and the master still holds the archive. Running the same move again resumes.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import { SkywireError } from '../errors.ts';
import type { MasterService } from './master-service.ts';
import { pullPayload, pushPayload } from './app-push.ts';
import type { CommandReply } from '../command/command-server.ts';

type Phase = 'exporting' | 'exported' | 'imported';
interface MoveJournal { app: string; from: string; to: string; phase: Phase }

const why = (r: CommandReply): string => (r.ok ? 'ok' : 'refused' in r ? `refused (${r.refused})` : `${r.error.code}: ${r.error.message}`);
const stepFailed = (step: string, r: CommandReply): never => { throw new SkywireError('MOVE_FAILED', `${step}: ${why(r)}; nothing was lost, run the same move again to resume`); };

export const moveApp = async (m: MasterService, app: string, fromRef: string, toRef: string, stateDir: string, log: (s: string) => void = () => {}) => {
  const from = m.admitted(fromRef).address;
  const to = m.admitted(toRef).address;
  if (from === to) throw new SkywireError('BAD_REQUEST', '--from and --to name the same node');
  const journalFile = join(stateDir, `${app}.json`);
  const archive = join(stateDir, `${app}.archive`);
  let j: MoveJournal = existsSync(journalFile) ? JSON.parse(readFileSync(journalFile, 'utf8')) as MoveJournal : { app, from, to, phase: 'exporting' };
  if (j.from !== from || j.to !== to) throw new SkywireError('MOVE_FAILED', `a move of ${app} from ${j.from} to ${j.to} is unfinished; finish it first (same --from and --to)`);
  const save = (phase: Phase): void => { j = { ...j, phase }; writeFileAtomic(journalFile, JSON.stringify(j)); };

  if (j.phase === 'exporting') {
    save('exporting');
    // keepStopped: A must not change data/ after the copy is taken.
    const { reply, bytes } = await pullPayload(m, from, 'app-export', { name: app, keepStopped: true });
    if (!reply.ok || !bytes) stepFailed(`stopping and exporting ${app} on ${from}`, reply);
    writeFileAtomic(archive, bytes!);
    save('exported');
    log(`exported ${app} from ${from} (${bytes!.length} bytes)`);
  }
  if (j.phase === 'exported') {
    const bytes = readFileSync(archive);
    const reply = await pushPayload(m, to, 'app-import', { name: app }, bytes);
    let state = reply.ok ? (reply.result as { state?: string }).state : undefined;
    // Resumed after the import had already happened: B says it has the app; ask how it is.
    if (!reply.ok && 'error' in reply && reply.error.code === 'APP_EXISTS') {
      const list = await m.command(to, 'app-list', {}, 30_000);
      state = list.ok ? (list.result as { name: string; state: string }[]).find((a) => a.name === app)?.state : undefined;
    }
    if (state !== 'running') {
      // B could not run it: take B's copy away again and restart the original on A.
      if (reply.ok) await m.command(to, 'app-remove', { name: app }, 60_000);
      await m.command(from, 'app-start', { name: app }, 60_000);
      stepFailed(`starting ${app} on ${to} (state ${state ?? 'unknown'})`, reply.ok ? { ok: false, error: { code: 'APP_UNHEALTHY', message: `${app} did not become healthy on ${to}; it runs on ${from} again` } } : reply);
    }
    save('imported');
    log(`${app} is running on ${to}`);
  }
  const removed = await m.command(from, 'app-remove', { name: app }, 60_000);
  if (!removed.ok && !('error' in removed && removed.error.code === 'APP_NOT_FOUND')) stepFailed(`removing ${app} from ${from}`, removed);
  rmSync(journalFile, { force: true });
  rmSync(archive, { force: true });
  return { app, from, to, moved: true };
};
