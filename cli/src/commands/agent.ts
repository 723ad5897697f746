import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distRoot } from '../dist-root';

/** The host agent's own CLI, built from services/agent/src/cli.ts. */
interface AgentCli {
  runAgentCli(argv: string[]): Promise<number | void> | number | void;
}

const agentCliPath = join(distRoot, 'services', 'agent', 'src', 'cli.js');

/**
 * `federa agent ...` (also installed as `federa-agent`): hands every argument after `agent` to the
 * agent's `runAgentCli(argv)`, which parses them itself (its own --help included).
 */
export function agentCommand(): Command {
  return new Command('agent')
    .description('run the host agent (federa agent --help for its options)')
    .argument('[args...]', 'arguments of the agent')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[]) => {
      if (!existsSync(agentCliPath)) {
        process.stderr.write(
          `the host agent is not built: ${agentCliPath} is missing (services/agent/src/cli.ts, then npm run build)\n`,
        );
        process.exitCode = 1;
        return;
      }
      const agent = require(agentCliPath) as AgentCli;
      const code = await agent.runAgentCli(args);
      if (typeof code === 'number') process.exitCode = code;
    });
}
