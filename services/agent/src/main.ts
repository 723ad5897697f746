import 'reflect-metadata';
import { startTracing } from '../../../libs/runtime/src/tracing/start-tracing';
import { runAgentCli } from './cli';

startTracing('agent');

runAgentCli(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`federa-agent: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
