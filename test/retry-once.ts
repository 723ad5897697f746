// Integration tests run real processes on a shared 2-core machine, where a test can lose a race to
// the load of another suite. Each failing test runs once more, with its first error printed; the
// summary of `npm test` names every test that passed only on its second run, so a flake is seen,
// never hidden, and a test that fails twice fails the run.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
