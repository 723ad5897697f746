import { Command, Option } from 'commander';
import { guarded } from '../command-options';
import { logFormats, type LogFormat } from '../up/log-format';

/** `federa up [--no-demo] [--log-format pretty|json]`: a local cluster in the foreground until Ctrl-C. */
export function upCommand(): Command {
  return new Command('up')
    .description(
      'Run a local Federa in the foreground: PostgreSQL and NATS (the configured ones when they ' +
        'answer, else embedded ones with their data in ./.federa), every built service, and the ' +
        'demo (four process-layer hosts and the shop of examples/shop.yaml). Ctrl-C stops it all, ' +
        'the demo first; a second Ctrl-C kills everything at once.',
    )
    .option('--no-demo', 'start without the demo agents and demo service')
    .addOption(
      new Option(
        '--log-format <format>',
        "services' logs: pretty (readable, Nest's start-up chatter hidden) or json (as written)",
      )
        .choices(logFormats)
        .default('pretty'),
    )
    .action(async (options: { demo: boolean; logFormat: LogFormat }) => {
      await guarded(async () => {
        // Loaded here so that other commands do not pay for pg, the event store and the gateway.
        const { runUp } = await import('../up/run-up');
        process.exitCode = await runUp(options);
      })();
      // Exit now rather than wait for stray handles: everything `up` started is stopped.
      process.exit();
    });
}
