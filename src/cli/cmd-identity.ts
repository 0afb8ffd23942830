// `skywire init` and `skywire id`: create and show the node identity.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { nodeSuite } from '../identity/node-suite.ts';
import { createIdentity, keyFilePath, loadIdentity } from '../identity/key-file.ts';

export const addIdentityCommands = (program: Command): void => {
  program.command('init')
    .description('create this node\'s identity (key file, mode 0600) under --home; never overwrites')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .action((o: { home: string }) => {
      const id = createIdentity(nodeSuite(), o.home, new Uint8Array(randomBytes(32)));
      process.stdout.write(`created ${keyFilePath(o.home)}\naddress ${id.address}\n`);
    });
  program.command('id')
    .description('print the node address and public key')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--json', 'one JSON object')
    .option('--address', 'only the address, for scripts (ADDRESS@HOST:PORT peer specs)')
    .action((o: { home: string; json?: boolean; address?: boolean }) => {
      const id = loadIdentity(nodeSuite(), o.home);
      const publicKey = Buffer.from(id.publicKey).toString('base64');
      if (o.address) process.stdout.write(`${id.address}\n`);
      else if (o.json) process.stdout.write(JSON.stringify({ address: id.address, publicKey }) + '\n');
      else process.stdout.write(`address    ${id.address}\npublic key ${publicKey}\n`);
    });
};
