// --home on every command, with one default: $SKYWIRE_HOME, else /var/lib/skywire (the packaged
// node's home), so `skywire status` on a Pi needs no flag and a developer sets one variable.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';

export const HOME_DEFAULT_HELP = '(default: $SKYWIRE_HOME, else /var/lib/skywire)';

export const homeOption = (c: Command, what: string): Command => c.option('--home <dir>', `${what} ${HOME_DEFAULT_HELP}`, defaultHome());
