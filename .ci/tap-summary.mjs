// Counts ava's TAP output into the one line CI reads. Skips and todos count as failures under
// CI=true: a test that needs a tool must find it on the CI machine.
import { readFileSync } from 'node:fs';

const [file, extraFailed = '0'] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n');
let passed = 0;
let failed = Number(extraFailed);
const ci = process.env.CI === 'true';
for (const line of lines) {
  const m = /^(not ok|ok) \d+ - (.*)$/.exec(line);
  if (!m) continue;
  const skipped = /# (SKIP|TODO)\b/i.test(m[2]);
  if (m[1] === 'not ok' || (skipped && ci)) {
    failed++;
    if (skipped) console.log(`counted as failed (skipped under CI): ${m[2]}`);
  } else passed++;
}
if (passed + failed === 0) failed = 1; // no test output at all is a failure, not a pass
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
