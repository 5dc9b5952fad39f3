// Prints "N passed, N failed" from jest's --json results; exits 1 when any
// test failed, a suite failed to run, or no test ran at all.
import { readFileSync, existsSync } from 'node:fs';

const file = process.argv[2] ?? '.jest-results.json';
if (!existsSync(file)) {
  console.log('jest wrote no results');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const suitesBroken = results.numRuntimeErrorTestSuites ?? 0;
const failed = results.numFailedTests + suitesBroken;
const passed = results.numPassedTests;
if (suitesBroken > 0) console.log(`${suitesBroken} test suite(s) failed to run`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
