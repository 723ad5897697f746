import { Command } from 'commander';
import { guarded } from '../command-options';

/** `federa up [--no-demo]`: a local cluster in the foreground until Ctrl-C. */
export function upCommand(): Command {
  return new Command('up')
    .description(
      'run a local Federa: PostgreSQL and NATS (embedded ones in ./.federa when none answers), ' +
        'every built service, and the demo; Ctrl-C stops it all',
    )
    .option('--no-demo', 'start without the demo agents and demo service')
    .action(async (options: { demo: boolean }) => {
      await guarded(async () => {
        // Loaded here so that other commands do not pay for pg, the event store and the gateway.
        const { runUp } = await import('../up/run-up');
        process.exitCode = await runUp(options);
      })();
      // Exit now rather than wait for stray handles: everything `up` started is stopped.
      process.exit();
    });
}
