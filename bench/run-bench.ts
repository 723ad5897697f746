/**
 * Runs a benchmark's `main` as the process: exit 0 once it resolved, or its stack on stderr and
 * exit 1, so a harness that runs the benches reads the outcome from the exit code alone.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
