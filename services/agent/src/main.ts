import 'reflect-metadata';
import { runAgentCli } from './cli';

runAgentCli(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`federa-agent: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
