import type { Command } from 'commander';

/**
 * Runs a `federa` subcommand in this process against the gateway at `api` with `token`, and answers
 * what it printed and the exit code it set (commands report failures by printing and exitCode).
 */
export async function runCliCommand(
  command: Command,
  args: string[],
  gateway: { api: string; token: string },
): Promise<{ printed: string; exitCode: number }> {
  const printed: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const previousToken = process.env.FEDERA_API_TOKEN;
  const previousExitCode = process.exitCode;
  process.env.FEDERA_API_TOKEN = gateway.token;
  process.exitCode = 0;
  try {
    // A usage error throws here rather than ending the test process.
    command.exitOverride();
    await command.parseAsync(['node', 'federa', ...args, '--api', gateway.api]);
    return { printed: printed.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    if (previousToken === undefined) delete process.env.FEDERA_API_TOKEN;
    else process.env.FEDERA_API_TOKEN = previousToken;
    process.exitCode = previousExitCode;
  }
}
