// `npm start`: the local demo (a master, a relay and ten nodes on loopback UDP) with the master
// TUI on it; without a TTY, status lines until SIGINT. Standalone so it needs no config at all.
// A user's error (the ports are taken) is one line and exit 2, as in the CLI (src/cli/main.ts).
import { runWithMasterTui } from '../../tui/master/master-tui.ts';
import { isSkywireError } from '../errors.ts';
import { installLastResort } from './last-resort.ts';
import { startLocalDemo, type LocalDemo } from './local-demo.ts';

installLastResort();
let demo: LocalDemo | undefined;
try {
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
} catch (e) {
  if (!isSkywireError(e)) throw e;
  process.stderr.write(`skywire: error [${e.code}]: ${e.message}\n`);
  process.exit(2);
}
