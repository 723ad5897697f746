// Prints the summary line CI reads: `N passed, N failed, N skipped` (a failed lint/type/build step counts as failed).
const fs = require('node:fs');
const [file, failedSteps = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
try {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  skipped = report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      console.log(`suite failed to run: ${suite.name}\n${suite.message}`);
    }
  }
} catch (error) {
  console.log(`no test results (${error.message})`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
