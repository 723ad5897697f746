// Shared by the relay specs: spawning relay processes and reading back what reached JetStream.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@federa/contracts';
import { eventually } from '@federa/testing';
import type { NatsConnection } from 'nats';

export function usageEvent(n: number): NewEvent {
  return {
    type: 'UsageRecorded',
    data: { n },
    metadata: { correlationId: randomUUID(), actor: 'test', occurredAt: new Date().toISOString() },
  };
}

export interface RelayProcess {
  child: ChildProcess;
  output: string[];
  becameActive(): boolean;
}

/** Starts `services/relay/src/main.ts` as a process of its own. */
export function spawnRelay(env: Record<string, string>): RelayProcess {
  const child = spawn(
    process.execPath,
    ['-r', './bench/eventstore-register.js', 'services/relay/src/main.ts'],
    {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output, becameActive: () => output.join('').includes('relay active') };
}

export async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Every message of a JetStream stream in sequence order, with its Nats-Msg-Id. */
export async function readJetStream(
  nc: NatsConnection,
  stream: string,
): Promise<{ msgId: string; event: RecordedEvent }[]> {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(stream);
  const out: { msgId: string; event: RecordedEvent }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    out.push({ msgId: message.header.get('Nats-Msg-Id'), event: message.json<RecordedEvent>() });
  }
  return out;
}

/** True when every stream's events arrive with versions 1, 2, 3, ... in JetStream order. */
export function inOrderPerStream(events: RecordedEvent[]): boolean {
  const last = new Map<string, number>();
  for (const e of events) {
    if (e.streamVersion !== (last.get(e.streamId) ?? 0) + 1) return false;
    last.set(e.streamId, e.streamVersion);
  }
  return true;
}

/** Waits until the stream holds at least `count` messages matching `keep`, and returns those. */
export async function waitForJetStream(
  nc: NatsConnection,
  stream: string,
  count: number,
  timeoutMs = 30_000,
  keep: (event: RecordedEvent) => boolean = () => true,
): Promise<{ msgId: string; event: RecordedEvent }[]> {
  let found: { msgId: string; event: RecordedEvent }[] = [];
  await eventually(async () => {
    found = (await readJetStream(nc, stream)).filter((m) => keep(m.event));
    return found.length >= count;
  }, timeoutMs);
  return found;
}
