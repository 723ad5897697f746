// Prints the summary line CI reads: `N passed, N failed, N skipped` (a failed lint/type/build step counts as
// failed), after the slowest suites, so that a run near CI's time limit says where its time went.
const fs = require('node:fs');
const path = require('node:path');

const [failedSteps = '0', ...files] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
const durations = [];
for (const file of files) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    skipped += report.numPendingTests + report.numTodoTests;
    for (const suite of report.testResults) {
      durations.push({
        name: path.relative(process.cwd(), suite.name),
        ms: suite.endTime - suite.startTime,
      });
      if (suite.status === 'failed' && suite.assertionResults.length === 0) {
        console.log(`suite failed to run: ${suite.name}\n${suite.message}`);
      }
    }
  } catch (error) {
    console.log(`no test results in ${file} (${error.message})`);
    failed += 1;
  }
}
const retried = [];
for (const file of files) {
  try {
    for (const suite of JSON.parse(fs.readFileSync(file, 'utf8')).testResults)
      for (const test of suite.assertionResults)
        if (test.status === 'passed' && (test.invocations ?? 1) > 1)
          retried.push(`${path.relative(process.cwd(), suite.name)}: ${test.fullName}`);
  } catch {
    // reported above
  }
}
if (retried.length > 0) {
  console.log('passed only on a second run (flaky: look at the first error above):');
  for (const name of retried) console.log(`  ${name}`);
}
const slowest = durations.sort((a, b) => b.ms - a.ms).slice(0, 15);
if (slowest.length > 0) {
  console.log('slowest suites:');
  for (const suite of slowest)
    console.log(`  ${(suite.ms / 1000).toFixed(1).padStart(7)} s  ${suite.name}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
