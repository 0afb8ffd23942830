// `skywire sms ...`: send through the running node (it signs and queues), read the inbox and
// the delivery state of sent messages straight from HOME/sms.json (atomic renames make any read
// a consistent snapshot, and it works with the node stopped), keep contacts by name.
import type { Command } from 'commander';
import { HOME_DEFAULT_HELP, homeOption } from './home-option.ts';
import { defaultHome } from '../node/home-dir.ts';
import { controlRequest } from '../env/control-client.ts';
import { readSmsFile } from '../sms/sms-file-store.ts';
import { addContact, contactNames, readContacts, resolveRecipient } from '../sms/contacts.ts';
import type { SentEntry } from '../sms/sms-store.ts';
import { fail } from '../errors.ts';

const home = (c: Command): Command => homeOption(c, 'node home directory');
const out = (s: string): void => void process.stdout.write(s + '\n');
const when = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

export const addSmsCommands = (program: Command): void => {
  const sms = program.command('sms').description('store-and-forward text messages with delivery receipts');

  home(sms.command('send <to> <text>'))
    .description('queue TEXT for TO (an address or a contact name); the node forwards it hop by hop')
    .option('--json', 'one JSON object')
    .action(async (to: string, text: string, o: { home: string; json?: boolean }) => {
      const address = resolveRecipient(o.home, to);
      const r = (await controlRequest(o.home, { cmd: 'sms-send', to: address, text }, 10_000)) as SentEntry & { bytes: number };
      if (o.json) return out(JSON.stringify(r));
      out(`${r.state} ${r.id} to ${to === address ? address : `${to} (${address})`}, ${r.bytes} bytes on the link`);
    });

  home(sms.command('inbox'))
    .description('messages delivered to this node, oldest first')
    .option('--json', 'one JSON array')
    .action((o: { home: string; json?: boolean }) => {
      const names = contactNames(o.home);
      const inbox = Object.values(readSmsFile(o.home).inbox).sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
      if (o.json) return out(JSON.stringify(inbox.map((m) => ({ ...m, fromName: names[m.from] ?? null }))));
      if (inbox.length === 0) return out('inbox is empty');
      for (const m of inbox) out(`${when(m.receivedAt)}  ${names[m.from] ?? m.from}: ${m.text}`);
    });

  const outbox = (name: string, what: string): void => {
    home(sms.command(name))
      .description(what)
      .option('--json', 'one JSON object')
      .action((o: { home: string; json?: boolean }) => {
        const names = contactNames(o.home);
        const data = readSmsFile(o.home);
        const sent = Object.values(data.sent).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        const relaying = Object.values(data.outbox).filter((p) => p.from !== null).length;
        if (o.json) return out(JSON.stringify({ sent, relaying }));
        for (const s of sent) out(`${s.state.padEnd(9)} ${s.id.slice(0, 8)}  ${when(s.createdAt)}  to ${names[s.to] ?? s.to}: ${s.text}`);
        out(`${sent.length} sent (${sent.filter((s) => s.state === 'delivered').length} delivered); holding ${relaying} for others`);
      });
  };
  outbox('outbox', 'messages this node sent and their state: queued, forwarded (a next hop has custody), delivered (receipt back), expired');
  outbox('status', 'same as outbox');

  // --home belongs to "contacts" (commander parses a parent's options after a subcommand too),
  // and is checked by hand: a required option would be demanded before "add" could run.
  const contacts = sms.command('contacts')
    .description('contacts by name (HOME/contacts.json)')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`)
    .option('--json', 'one JSON object')
    .action((o: { home?: string; json?: boolean }) => {
      const c = readContacts(o.home ?? defaultHome());
      if (o.json) return out(JSON.stringify(c));
      const names = Object.keys(c).sort();
      if (names.length === 0) return out('no contacts');
      for (const n of names) out(`${n.padEnd(16)} ${c[n]}`);
    });
  contacts.command('add <name> <address>')
    .description('add or replace a contact (--home as for "contacts")')
    .action((name: string, address: string) => {
      addContact(contacts.opts<{ home?: string }>().home ?? defaultHome(), name, address);
      out(`${name} = ${address}`);
    });
};
