import { CommandLedger, type Acknowledged } from '../../test/acknowledged-commands';
import type { Answer } from '../../test/outage-harness';

/** Commands the CommandLedger does not know, checked here: a migration asked, a host returned to service. */
interface ExtraAcknowledged {
  kind: 'migrate' | 'uncordon';
  target: string;
  answer: Answer;
}

interface LoggedEvent {
  streamId: string;
  type: string;
  data: { revision?: number | string; spec?: unknown; migration?: string };
}

/**
 * Sends the churn's commands through the API and keeps every one it acknowledged (2xx): applies,
 * deploys, stops and drains in the CommandLedger (test/acknowledged-commands.ts), migrations and
 * uncordons here. A command refused (4xx) is not retried: the churn counts it and goes on; one
 * unanswered (no answer, 5xx, 429) is sent again a few times.
 */
export class SoakLedger {
  private readonly ledger: CommandLedger;
  private readonly extra: ExtraAcknowledged[] = [];
  /** Refusals by status and route, for the summary. */
  readonly refused = new Map<string, number>();
  /** Commands never acknowledged after every try. */
  unanswered = 0;
  /** The latest command refused or never acknowledged, for an error message: what the API answered. */
  lastFailure: string | undefined;

  constructor(
    private readonly call: (method: string, path: string, body?: object) => Promise<Answer>,
  ) {
    this.ledger = new CommandLedger(call);
  }

  get acknowledged(): number {
    return this.ledger.acknowledged.length + this.extra.length;
  }

  /** Sends until acknowledged or refused; answers the acknowledged answer, or undefined. */
  async send(
    kind: Acknowledged['kind'] | ExtraAcknowledged['kind'],
    target: string,
    method: string,
    path: string,
    body?: object,
    tries = 5,
  ): Promise<Answer | undefined> {
    const tried: string[] = [];
    for (let attempt = 0; attempt < tries; attempt++) {
      const answer = await this.call(method, path, body).catch((error: Error): Answer => ({
        status: 0,
        json: { error: String(error.cause ?? error) },
      }));
      if (answer.status >= 200 && answer.status < 300) {
        if (kind === 'migrate' || kind === 'uncordon') this.extra.push({ kind, target, answer });
        else this.ledger.acknowledged.push({ kind, target, answer, unanswered: tried });
        return answer;
      }
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
        const key =
          `${kind} ${answer.status} ${String(answer.json?.error?.code ?? answer.json?.code ?? '')}`.trim();
        this.refused.set(key, (this.refused.get(key) ?? 0) + 1);
        this.lastFailure = `${method} ${path}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 500)}`;
        return undefined;
      }
      tried.push(
        answer.status === 0
          ? `no answer (${String(answer.json?.error).slice(0, 100)})`
          : String(answer.status),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    this.unanswered++;
    this.lastFailure = `${method} ${path}: never acknowledged in ${tries} tries (${tried.join(', ')})`;
    return undefined;
  }

  /** Every acknowledged command whose effect the log lacks, described. */
  missingFrom(log: readonly LoggedEvent[]): string[] {
    const missing = this.ledger.missingFrom(log);
    const migrations = new Set(
      log.filter((e) => e.type === 'MigrationStarted').map((e) => e.streamId),
    );
    const uncordoned = new Map<string, number>();
    for (const e of log)
      if (e.type === 'HostUncordoned')
        uncordoned.set(e.streamId, (uncordoned.get(e.streamId) ?? 0) + 1);
    const asked = new Map<string, number>();
    for (const command of this.extra) {
      if (command.kind === 'migrate') {
        const id = String(command.answer.json?.id ?? '');
        if (!migrations.has(`migration-${id}`))
          missing.push(`migrate ${command.target} ${JSON.stringify(command.answer.json)}`);
      } else {
        // Each is sent to a host the churn drained before: each must have ended a drain.
        const stream = `host-${command.target}`;
        asked.set(stream, (asked.get(stream) ?? 0) + 1);
      }
    }
    for (const [stream, count] of asked) {
      const found = uncordoned.get(stream) ?? 0;
      if (found < count)
        missing.push(
          `uncordon ${stream.slice('host-'.length)}: ${count} acknowledged, ${found} in the log`,
        );
    }
    return missing;
  }
}
