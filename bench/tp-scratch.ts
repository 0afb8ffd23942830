import { oursInNetns, wireguardGoInNetns } from '/work/main/bench/netns-paths.ts';
const B = Number(process.env.B ?? 50e6);
if (process.env.WG) console.log('wg', JSON.stringify(await wireguardGoInNetns(B)));
for (const r of (process.env.R ?? '0').split(',').map(Number)) console.log('ours', r, JSON.stringify(await oursInNetns(r, B)));
