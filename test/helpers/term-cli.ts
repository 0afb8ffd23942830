// `skywire term` / `skywire forward` as a child process for tests, until main.ts registers
// addTermCommands. Same error convention as main.ts: SkywireError -> one line, exit 2.
import { Command } from 'commander';
import { isSkywireError } from '../../src/errors.ts';
import { addTermCommands } from '../../src/cli/cmd-term.ts';

const program = new Command('skywire');
addTermCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (isSkywireError(e)) {
    process.stderr.write(`skywire: error [${e.code}]: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
