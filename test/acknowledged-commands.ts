import type { Answer } from './outage-harness';

/** A command the API acknowledged (2xx), with the answer it gave. */
export interface Acknowledged {
  kind: 'apply' | 'deploy' | 'stop' | 'drain';
  /** The service's name, or the host's for a drain. */
  target: string;
  answer: Answer;
  /** Answers before this one that acknowledged nothing (a gateway or replica gone, a 503). */
  unanswered: string[];
}

interface LoggedEvent {
  streamId: string;
  type: string;
  data: { revision?: number | string; spec?: unknown };
}

/**
 * Sends commands through the API, each again until it is acknowledged, and keeps what was
 * acknowledged, in the order sent, per target, so that each can be found in the log.
 */
export class CommandLedger {
  readonly acknowledged: Acknowledged[] = [];

  constructor(
    private readonly call: (method: string, path: string, body?: object) => Promise<Answer>,
  ) {}

  /** Sends until the API answers 2xx (every 300 ms, at most `tries` times); answers that answer. */
  async send(
    kind: Acknowledged['kind'],
    target: string,
    method: string,
    path: string,
    body?: object,
    tries = 60,
  ): Promise<Answer> {
    const unanswered: string[] = [];
    for (let attempt = 0; attempt < tries; attempt++) {
      const answer = await this.call(method, path, body).catch((error: Error): Answer => ({
        status: 0,
        json: { error: String(error.cause ?? error) },
      }));
      if (answer.status >= 200 && answer.status < 300) {
        this.acknowledged.push({ kind, target, answer, unanswered });
        return answer;
      }
      unanswered.push(`${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`${method} ${path} was never acknowledged: ${unanswered.join('; ')}`);
  }

  /**
   * The acknowledged commands whose effect the log lacks. Each target's commands are sent one after
   * the other, so their effects appear in that order in its stream: an apply as the revision it
   * answered, a deploy as the start of the revision it answered deployed, a stop as a stop begun
   * after the previous command's effect, a drain as a drain begun.
   */
  missingFrom(log: readonly LoggedEvent[]): string[] {
    const missing: string[] = [];
    const reached = new Map<string, number>();
    for (const command of this.acknowledged) {
      const streamId =
        command.kind === 'drain' ? `host-${command.target}` : `service-${command.target}`;
      const stream = log.filter((e) => e.streamId === streamId);
      const from = reached.get(streamId) ?? 0;
      const found = stream.findIndex((e, index) => index >= from && effectOf(command, e));
      if (found < 0)
        missing.push(`${command.kind} ${command.target} ${JSON.stringify(command.answer.json)}`);
      else reached.set(streamId, found + 1);
    }
    return missing;
  }
}

function effectOf(command: Acknowledged, event: LoggedEvent): boolean {
  const answer = command.answer.json as { revision?: number; deployedRevision?: number };
  switch (command.kind) {
    case 'apply':
      return (
        (event.type === 'ServiceDefined' || event.type === 'ServiceUpdated') &&
        Number(event.data.revision) === answer.revision
      );
    case 'deploy':
      return (
        event.type === 'ServiceDeployStarted' &&
        Number(event.data.revision) === answer.deployedRevision
      );
    case 'stop':
      return event.type === 'ServiceStopStarted';
    case 'drain':
      return event.type === 'HostDrainStarted';
  }
}
