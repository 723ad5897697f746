import 'reflect-metadata';
import { exitCodeOf } from './exit-code';
import { buildProgram } from './program';
import { errorLines } from './report-error';

/** `federa ...` (bin/federa.js): parses the command line and runs the command it names. */
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    for (const line of errorLines(error)) process.stderr.write(`${line}\n`);
    process.exit(exitCodeOf(error));
  });
