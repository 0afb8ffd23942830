// Contacts by name, HOME/contacts.json. Only the CLI writes it (atomically); the node never
// needs it, because names are resolved to addresses before a message is queued.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import { base32Decode } from '../identity/address.ts';
import { fail } from '../errors.ts';

export const CONTACTS_FILE = 'contacts.json';
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

export interface ContactsFile { version: 1; contacts: Record<string, string> }

export const isAddress = (s: string): boolean => s.length === 26 && base32Decode(s)?.length === 16;

export const readContacts = (home: string): Record<string, string> => {
  const path = join(home, CONTACTS_FILE);
  if (!existsSync(path)) return {};
  try {
    const d = JSON.parse(readFileSync(path, 'utf8')) as ContactsFile;
    if (d.version === 1 && typeof d.contacts === 'object' && d.contacts !== null) return d.contacts;
  } catch { /* reported below */ }
  return fail('CONFIG_INVALID', `${path} is not a contacts file ({"version":1,"contacts":{NAME: ADDRESS}}); fix or remove it`);
};

export const addContact = (home: string, name: string, address: string): void => {
  if (!NAME.test(name)) fail('BAD_REQUEST', `contact name "${name}": use a letter, then up to 31 letters, digits, "_", "." or "-"`);
  if (isAddress(name)) fail('BAD_REQUEST', `contact name "${name}" looks like an address; pick another`);
  if (!isAddress(address)) fail('BAD_ADDRESS', `"${address}" is not an address (26 base32 characters, see "skywire id")`);
  const contacts = { ...readContacts(home), [name]: address };
  writeFileAtomic(join(home, CONTACTS_FILE), JSON.stringify({ version: 1, contacts }, null, 2) + '\n');
};

/** A contact's address, or the argument itself when it is an address. */
export const resolveRecipient = (home: string, who: string): string => {
  const c = readContacts(home)[who];
  if (c) return c;
  if (isAddress(who)) return who;
  return fail('SMS_UNKNOWN_CONTACT', `"${who}" is neither a contact nor an address; add it with "skywire sms contacts add ${who} ADDRESS --home ${home}"`);
};

/** Address → name, for showing senders. */
export const contactNames = (home: string): Record<string, string> =>
  Object.fromEntries(Object.entries(readContacts(home)).map(([n, a]) => [a, n]));
