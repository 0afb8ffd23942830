// Swarm runs in worker processes (the CLI itself, `skywire sim swarm-worker`, over IPC): seeds
// share nothing, so J processes give J cores, and a run that crashes its process costs only its
// own seed. One document per message; a dead worker's task fails and a fresh worker takes over.
import { fork, type ChildProcess } from 'node:child_process';
import type { SwarmDoc } from './swarm-doc.ts';
import type { SeedOptions, SeedOutcome } from './swarm-seed.ts';

interface Task { id: number; doc: SwarmDoc; opts: SeedOptions; resolve: (o: SeedOutcome) => void; reject: (e: Error) => void }
interface Worker { proc: ChildProcess; task: Task | undefined }
export type WorkerReply = { id: number; outcome: SeedOutcome } | { id: number; error: string };

export class SwarmPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly jobs: number, private readonly spawn: () => ChildProcess = spawnCli) {}

  run(doc: SwarmDoc, opts: SeedOptions = {}): Promise<SeedOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, doc, opts, resolve, reject });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    for (const w of this.all) w.proc.kill();
    this.all.clear();
    for (const t of this.queue.splice(0)) t.reject(new Error('swarm pool closed'));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const w = this.idle.pop() ?? (this.all.size < this.jobs ? this.start() : undefined);
      if (!w) return;
      const t = this.queue.shift()!;
      w.task = t;
      w.proc.send({ id: t.id, doc: t.doc, opts: t.opts });
    }
  }

  private start(): Worker {
    const w: Worker = { proc: this.spawn(), task: undefined };
    this.all.add(w);
    w.proc.on('message', (m: WorkerReply) => {
      const t = w.task;
      if (!t || m.id !== t.id) return;
      w.task = undefined;
      this.idle.push(w);
      if ('error' in m) t.reject(new Error(m.error));
      else t.resolve(m.outcome);
      this.pump();
    });
    w.proc.on('exit', (code, signal) => {
      this.all.delete(w);
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      if (w.task) w.task.reject(new Error(`swarm worker exited (${signal ?? code}) while running seed ${w.task.doc.seed}`));
      w.task = undefined;
      this.pump();
    });
    return w;
  }
}

// The running CLI again: the installed bundle (bin/skywire.js) or the sources under tsx alike.
const spawnCli = (): ChildProcess =>
  fork(process.argv[1]!, ['sim', 'swarm-worker'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
