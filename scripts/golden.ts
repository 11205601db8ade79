/**
 * `npm run golden [-- --update] [TRACE...]`: compares the golden model dumps (golden/models/*.txt) with the
 * models the current code builds from the corpus, or rewrites them with --update. Exit code 1 on a difference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { currentGolden, GOLDEN_DIR, goldenPath, goldenTraceNames, storedGolden } from '../src/fixtures/golden-models';

const args = process.argv.slice(2);
const update = args.includes('--update');
const names = args.filter((a) => !a.startsWith('--'));
let differ = 0;
if (update) mkdirSync(GOLDEN_DIR, { recursive: true });
for (const name of names.length > 0 ? names : goldenTraceNames()) {
  const text = currentGolden(name);
  const stored = storedGolden(name);
  if (stored === text) continue;
  if (update) {
    writeFileSync(goldenPath(name), text);
    process.stdout.write(`${stored === null ? 'wrote' : 'updated'} ${goldenPath(name)}\n`);
  } else {
    differ++;
    process.stdout.write(`${stored === null ? 'missing' : 'differs'}: ${goldenPath(name)}\n`);
  }
}
if (differ > 0) {
  process.stdout.write(`${differ} golden dump(s) out of date: review the change, then npm run golden -- --update\n`);
  process.exit(1);
}
