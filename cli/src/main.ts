import 'reflect-metadata';
import { buildProgram } from './program';

/** `federa ...` (bin/federa.js): parses the command line and runs the command it names. */
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
