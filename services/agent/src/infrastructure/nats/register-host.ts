import {
  AgentRegistered,
  validatePayload,
  type AgentRegistration,
  type CommandReply,
} from '@federa/contracts';
import type { NatsConnection } from 'nats';
import { backoffDelay } from '../../domain/backoff';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RegistrationOutcome {
  epoch: number;
  attempts: number;
}

/**
 * Asks inventory for the host's epoch on `subject`, retrying with capped exponential backoff until
 * an answer with an epoch arrives or `signal` aborts. A refusal is retried too (inventory may be
 * starting; a host held by another agent's key may go down and become free); `onRetry` hears why
 * and the refusal's code.
 */
export async function registerHost(
  nc: NatsConnection,
  subject: string,
  registration: () => AgentRegistration,
  signal: AbortSignal,
  onRetry: (attempt: number, why: string, code?: string) => void = () => undefined,
  timeoutMs = 2000,
): Promise<RegistrationOutcome> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new Error('registration aborted');
    let why: string;
    let code: string | undefined;
    try {
      const msg = await nc.request(subject, encoder.encode(JSON.stringify(registration())), {
        timeout: timeoutMs,
      });
      const reply = JSON.parse(decoder.decode(msg.data)) as CommandReply<unknown>;
      if (reply.ok) {
        const result = validatePayload(AgentRegistered, reply.result);
        if (result.ok) return { epoch: result.value.epoch, attempts: attempt + 1 };
        why = `registration answer without a valid epoch: ${result.errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`;
      } else {
        code = reply.error.code;
        why = `registration refused: ${reply.error.code}: ${reply.error.message}`;
      }
    } catch (error) {
      why = (error as Error).message;
    }
    onRetry(attempt, why, code);
    await abortableSleep(backoffDelay(attempt), signal);
  }
}

/** Waits `ms`, or less if `signal` aborts meanwhile. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
