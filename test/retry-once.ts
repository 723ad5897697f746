// Integration tests run real processes on a shared 2-core machine, where a test can lose a race to
// the load of another suite. Each failing test runs once more, with its first error printed; the
// summary of `npm test` names every test that passed only on its second run, so a flake is seen,
// never hidden, and a test that fails twice fails the run.
//
// Not the fault suite (test/faults/): jest retries the test body only, on the plane the fault and the
// first attempt left behind (a backend restarted, a host drained or still cut off) and with a new
// ledger of acknowledged commands, so a first attempt that lost a command would pass on its retry.
// A fault scenario prints its seed or its log to explain a failure instead.
const testPath = expect.getState().testPath ?? '';
if (!/[\\/]test[\\/]faults[\\/]/.test(testPath)) jest.retryTimes(1, { logErrorsBeforeRetry: true });
