import { Command, CommanderError } from 'commander';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { GatewayUnreachable } from './api-client';
import { exitCodeOf, usageExitsTwoEverywhere, UsageError } from './exit-code';

describe('exit codes', () => {
  it('tells a bad flag, a missing object, a refusal and an unreachable API apart', () => {
    expect(exitCodeOf(new UsageError('--deadline', 'bad'))).toBe(2);
    expect(exitCodeOf(new FederaError(ErrorCodes.validation, 'bad body'))).toBe(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'unknown option'))).toBe(2);
    expect(exitCodeOf(new FederaError(ErrorCodes.notFound, 'no host h9'))).toBe(3);
    expect(exitCodeOf(new FederaError(ErrorCodes.conflict, 'host is retired'))).toBe(4);
    expect(exitCodeOf(new GatewayUnreachable('http://127.0.0.1:1', new Error('refused')))).toBe(5);
    expect(exitCodeOf(new FederaError(ErrorCodes.unavailable, 'placement is down'))).toBe(5);
  });

  it('ends anything else with 1, and help with 0', () => {
    expect(exitCodeOf(new FederaError(ErrorCodes.internal, 'boom'))).toBe(1);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
  });

  it('gives a usage error found by commander in any subcommand exit code 2', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = usageExitsTwoEverywhere(
        new Command('federa').addCommand(
          new Command('get').addCommand(new Command('hosts').action(() => undefined)),
        ),
      );
      program.parse(['node', 'federa', 'get', 'hosts', '--no-such-flag']);
      expect(exit).toHaveBeenCalledWith(2);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
