// `npm start`: the local demo (a master, a relay and ten nodes on loopback UDP) with the master
// TUI on it; without a TTY, status lines until SIGINT. Standalone so it needs no config at all.
import { runWithMasterTui } from '../../tui/master/master-tui.ts';
import { startLocalDemo, type LocalDemo } from './local-demo.ts';

let demo: LocalDemo | undefined;
await runWithMasterTui({
  home: () => `${demo!.root}/master`,
  start: async (log) => {
    demo = await startLocalDemo({ log, basePort: process.env.SKYWIRE_DEMO_PORT ? Number(process.env.SKYWIRE_DEMO_PORT) : undefined });
    return demo.master;
  },
  stop: async (why) => {
    process.stderr.write(`stopping the local demo (${why})\n`);
    await demo?.stop();
  },
});
