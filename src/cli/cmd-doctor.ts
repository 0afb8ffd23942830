// `skywire doctor [--home DIR] [--json]`: the checks of src/cli/doctor.ts, one line each.
import type { Command } from 'commander';
import { homeOption } from './home-option.ts';
import { formatChecks, runDoctor } from './doctor.ts';

export const addDoctorCommand = (program: Command): void => {
  homeOption(program.command('doctor'), 'node home directory')
    .description('check this node: home, identity, config, clock, disk, the running node, master, links (why one is down), nearest relay, TNCs')
    .option('--json', 'one JSON array of {name, verdict, detail}')
    .action(async (o: { home: string; json?: boolean }) => {
      const checks = await runDoctor(o.home);
      process.stdout.write(o.json ? JSON.stringify(checks) + '\n' : formatChecks(checks));
      if (checks.some((c) => c.verdict === 'fail')) process.exitCode = 1;
    });
};
