// A scenario's `expect` section, checked against its summary: `skywire sim run` exits 1 when
// one is not met, so scenarios double as regression checks.
import type { Scenario } from './scenario-schema.ts';
import type { SimSummary } from './sim-summary.ts';

export const unmetExpectations = (sc: Scenario, s: SimSummary): string[] => {
  const e = sc.expect ?? {};
  const out: string[] = [];
  if (e.allLinksUp && !s.allLinksUp) out.push(`allLinksUp: ${s.linksUp}/${s.links} links up at the end`);
  if (e.streamsIntact && !s.streamsIntact) {
    const bad = s.streams.filter((x) => !x.intact).map((x) => `#${x.index} ${x.from}->${x.to} ${x.delivered}/${x.bytes} B${x.error ? ` (${x.error})` : ''}`);
    out.push(`streamsIntact: ${bad.join(', ')}`);
  }
  if (e.noLoops && s.routes.loops.length > 0) out.push(`noLoops: ${s.routes.loops.length} forwarding loop(s) found`);
  return out;
};
