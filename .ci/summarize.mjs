// Counts node-tap results in TAP files: each test (a t.test block, or an
// assertion at a file's top level) is one result; a test file that crashed
// before reporting any test counts as one failure. Prints "N passed, N failed"
// and exits 1 if anything failed.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    failed++;
    continue;
  }
  let fileFailures = 0;
  for (const line of text.split('\n')) {
    const inner = /^ {4}(not )?ok \d+/.exec(line);
    if (inner) {
      if (inner[1]) {
        failed++;
        fileFailures++;
      } else passed++;
      continue;
    }
    const top = /^(not )?ok \d+/.exec(line);
    if (top) {
      if (top[1] && fileFailures === 0) failed++;
      fileFailures = 0;
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
