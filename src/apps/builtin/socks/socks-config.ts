// The exit's config/socks.json, read by the app (for auth) and by the node (for the exit
// policy). No file means the defaults: no authentication, public unicast destinations only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../../../errors.ts';
import { EXIT_POLICY_FILE, parseExitPolicy, type ExitPolicy } from '../../exit-policy.ts';

export const readSocksConfig = (configDir: string): ExitPolicy => {
  const file = join(configDir, EXIT_POLICY_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return parseExitPolicy({}, file);
    return fail('CONFIG_INVALID', `${file} is unreadable (${code}); fix its permissions or remove it to use the defaults`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('CONFIG_INVALID', `${file}: not JSON (${(e as Error).message})`);
  }
  return parseExitPolicy(doc, file);
};
