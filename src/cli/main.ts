// The `skywire` command line. Each subcommand lives in its own file; this one wires them and
// turns SkywireErrors into one clear line and exit status 2 (1 is left for "check failed").
import { Command } from 'commander';
import { isSkywireError } from '../errors.ts';
import { addIdentityCommands } from './cmd-identity.ts';
import { addNodeCommand } from './cmd-node.ts';
import { addStatusCommand } from './cmd-status.ts';
import { addSimCommands } from './cmd-sim.ts';
import { addRouteCommands } from './cmd-route.ts';
import { addTermCommands } from './cmd-term.ts';
import { addLogsCommand } from './cmd-logs.ts';
import { addMasterCommand } from './cmd-master.ts';
import { addFleetCommands } from './cmd-fleet.ts';
import { addSmsCommands } from './cmd-sms.ts';
import { addAppCommands } from './cmd-app.ts';
import { addAppBuildCommand } from './cmd-app-build.ts';
import { addAppInitCommand } from './cmd-app-init.ts';
import { addFsCommands } from './cmd-fs.ts';
import { addSocksCommand } from './cmd-socks.ts';
import { SKYWIRE_VERSION } from '../version.ts';
import { installLastResort } from './last-resort.ts';
import { addDoctorCommand } from './cmd-doctor.ts';

installLastResort();

const program = new Command('skywire')
  .description('Overlay network with key-hash addresses, encrypted links and a deterministic simulator')
  .version(SKYWIRE_VERSION)
  .showHelpAfterError('(run "skywire --help" for usage)');

addIdentityCommands(program);
addNodeCommand(program);
addStatusCommand(program);
addSimCommands(program);
addRouteCommands(program);
addTermCommands(program);
addLogsCommand(program);
addMasterCommand(program);
addFleetCommands(program);
addSmsCommands(program);
const appCommand = addAppCommands(program);
addAppBuildCommand(appCommand);
addAppInitCommand(appCommand);
addFsCommands(program);
addSocksCommand(program);
addDoctorCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (isSkywireError(e)) {
    process.stderr.write(`skywire: error [${e.code}]: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
