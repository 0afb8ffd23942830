// `skywire sim run`: placeholder until the simulator runner lands.
import type { Command } from 'commander';

export const addSimCommands = (program: Command): void => {
  const sim = program.command('sim').description('deterministic multi-node simulation');
  void sim;
};
