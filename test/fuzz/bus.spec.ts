import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import {
  Commands,
  commandSubject,
  type AgentHeartbeat,
  type AgentReport,
  type CommandName,
} from '@federa/contracts';
import { eventually } from '@federa/testing';
import { HeartbeatListener } from '../../services/inventory/src/api/heartbeat.listener';
import { FakeAgent, registrationOf } from '../inventory-fake-agent';
import { startFuzzPlane, type FuzzPlane } from './fuzz-plane';
import { anyJson, applyMutation, fieldValue, fuzz, mutationOf } from './fuzz-run';

jest.setTimeout(300_000);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const shop: unknown = parseYaml(readFileSync(join(__dirname, '../../examples/shop.yaml'), 'utf8'));

/** The fields a payload class declares (its own and inherited), for structure-aware payloads. */
function fieldsOf(cls: new () => object): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadatas.map((m) => m.propertyName))];
}

/** Plausible values for any command field: known names, ids and numbers, and anything else. */
const commandValue = fc.oneof(
  fc.constantFrom('ghost', 'h1', 'i-1', 'mig-1', 'shop', 'web', 'live', 'cold', 1, 0, true),
  fc.constantFrom([], ['h1'], [{ instance: 'i-1', reason: 'x' }], { a: 1 }),
  fieldValue,
);

/**
 * Payloads for one command: raw bytes, any JSON, objects of its own fields (and others) holding any
 * values, and, for the commands carrying a spec, the shop spec with one field mutated.
 */
function payloadsOf(name: CommandName): fc.Arbitrary<Uint8Array> {
  const fields = fieldsOf(Commands[name].payload as new () => object);
  const structured = fc.dictionary(
    fc.oneof(fc.constantFrom(...fields, 'colour'), fc.string({ maxLength: 6 })),
    commandValue,
    { maxKeys: 5 },
  );
  const choices: Array<fc.Arbitrary<unknown>> = [structured, structured, anyJson];
  if (name === 'applyService' || name === 'planPlacement')
    choices.push(
      mutationOf(shop).map((mutation) => ({
        name: 'shop',
        spec: applyMutation(shop, mutation),
      })),
    );
  return fc.oneof(
    fc.oneof(...choices).map((value) => encoder.encode(JSON.stringify(value) ?? 'undefined')),
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom('{', '[1,', '"\\ud800"', 'null', '1e999').map((text) => encoder.encode(text)),
  );
}

const commandNames = Object.keys(Commands) as CommandName[];
const commandRequest = fc
  .constantFrom(...commandNames)
  .chain((name) => payloadsOf(name).map((data) => ({ name, data })));

/** Codes a command may refuse with: the caller's mistake, never the service's. */
const refusalCodes = ['validation_failed', 'not_found', 'conflict'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are checked field by field
function checkReply(reply: any, what: string): boolean {
  if (reply?.ok === true) return true;
  const error = reply?.error;
  if (reply?.ok !== false || !error || typeof error.message !== 'string' || !error.message)
    throw new Error(`not a CommandReply refusal: ${what}`);
  if (!refusalCodes.includes(error.code)) throw new Error(`refused as ${error.code}: ${what}`);
  if (error.code === 'validation_failed') {
    if (!Array.isArray(error.details) || error.details.length === 0)
      throw new Error(`no field named: ${what}`);
    for (const detail of error.details)
      if (typeof detail?.path !== 'string' || typeof detail?.reason !== 'string')
        throw new Error(`a detail without path and reason: ${what}`);
  }
  return false;
}

/** Host tokens a rogue publisher may use on agent subjects (a subject token each). */
const rogueHosts = ['rogue-1', 'rogue-2', 'UPPER', '_', 'x'.repeat(200), 'ghost'];

function validHeartbeat(host: string): AgentHeartbeat {
  return {
    host,
    epoch: 1,
    seq: 1,
    sentAt: Date.now(),
    intervalMs: 1000,
    usage: { cpuMillis: 100, memoryBytes: 2 ** 28, storageBytes: 2 ** 30, networkBytes: 1000 },
    instances: [{ instance: 'i-1', state: 'healthy', load: 0.5 }],
  };
}

function validReport(host: string): AgentReport {
  return {
    host,
    epoch: 1,
    runId: randomUUID(),
    seq: 1,
    sentAt: Date.now(),
    kind: 'instance',
    instance: 'i-1',
    state: 'failed',
    service: 'shop',
    app: 'web',
  } as AgentReport;
}

/** A mutated valid message, any JSON, or bytes. */
function garbageFrom(valid: object): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    mutationOf(valid).map((mutation) =>
      encoder.encode(JSON.stringify(applyMutation(valid, mutation))),
    ),
    anyJson.map((value) => encoder.encode(JSON.stringify(value) ?? '')),
    fc.uint8Array({ maxLength: 64 }),
  );
}

const agentMessage = fc
  .tuple(fc.constantFrom(...rogueHosts), fc.constantFrom('heartbeat', 'report'))
  .chain(([host, kind]) =>
    garbageFrom(kind === 'heartbeat' ? validHeartbeat(host) : validReport(host)).map((data) => ({
      host,
      kind,
      data,
    })),
  );

describe('fuzz: NATS commands, heartbeats, reports and registrations from a rogue publisher', () => {
  let fuzzPlane: FuzzPlane;

  beforeAll(async () => {
    // Liveness thresholds far past the run: hosts a registration creates are not declared down
    // while other cases check that nothing was appended.
    fuzzPlane = await startFuzzPlane('fuzz_bus', { FEDERA_HEARTBEAT_MS: '600000' });
  }, 180_000);

  afterAll(async () => {
    await fuzzPlane?.close();
  });

  it('answers every service command with a refusal naming the field (or a result), never appending on a refusal', async () => {
    const { nc, subjects } = fuzzPlane;
    await fuzz(
      'bus: service commands',
      fc.asyncProperty(commandRequest, async ({ name, data }) => {
        const before = await fuzzPlane.head();
        const message = await nc.request(commandSubject(subjects, name), data, { timeout: 20_000 });
        const text = decoder.decode(message.data);
        const what = `${name} ${decoder.decode(data).slice(0, 200)} -> ${text.slice(0, 300)}`;
        let reply: unknown;
        try {
          reply = JSON.parse(text);
        } catch {
          throw new Error(`reply is not JSON: ${what}`);
        }
        if (checkReply(reply, what)) return;
        const after = await fuzzPlane.head();
        if (after !== before) throw new Error(`refused, yet the log moved: ${what}`);
      }),
      300,
    );
  });

  it('drops garbage heartbeats and reports with a logged reason and appends nothing', async () => {
    const { nc, subjects } = fuzzPlane;
    const listener = fuzzPlane.inventory.get(HeartbeatListener);
    const seen = () =>
      listener.counts.accepted + listener.counts.ignored + listener.counts.malformed;
    const before = await fuzzPlane.head();
    const heardBefore = seen();
    let heartbeats = 0;
    await fuzz(
      'bus: heartbeats and reports',
      fc.asyncProperty(agentMessage, async ({ host, kind, data }) => {
        const subject =
          kind === 'heartbeat' ? subjects.agentHeartbeat(host) : subjects.agentReport(host);
        nc.publish(subject, data);
        if (kind === 'heartbeat') heartbeats++;
      }),
      400,
    );
    await nc.flush();
    // Inventory has taken every heartbeat (each counted as accepted, ignored or malformed).
    await eventually(() => seen() - heardBefore === heartbeats, 60_000, 50);
    await eventually(
      () =>
        fuzzPlane.logs.some((line) => /heartbeat of \S+ refused: /.test(line)) &&
        fuzzPlane.logs.some((line) => /dropped a message on \S+\.report: /.test(line)),
      60_000,
      100,
    );
    expect(listener.counts.accepted).toBe(0);
    expect(await fuzzPlane.head()).toBe(before);
  });

  it('refuses garbage registrations naming the field and appends nothing for them', async () => {
    const { nc, subjects } = fuzzPlane;
    const valid = registrationOf('rogue-reg', 'geneva', 1000);
    await fuzz(
      'bus: registrations',
      fc.asyncProperty(
        garbageFrom(valid),
        fc.constantFrom(subjects.agentRegister, subjects.agentRegisterFor('rogue-reg')),
        async (data, subject) => {
          const before = await fuzzPlane.head();
          const message = await nc.request(subject, data, { timeout: 20_000 });
          const text = decoder.decode(message.data);
          const what = `${subject} ${decoder.decode(data).slice(0, 200)} -> ${text.slice(0, 300)}`;
          if (checkReply(JSON.parse(text), what)) return;
          if ((await fuzzPlane.head()) !== before)
            throw new Error(`refused, yet the log moved: ${what}`);
        },
      ),
      200,
    );
  });

  it('still takes a real registration and its heartbeats afterwards, and every process answers', async () => {
    const listener = fuzzPlane.inventory.get(HeartbeatListener);
    const agent = new FakeAgent(
      fuzzPlane.nc,
      fuzzPlane.subjects,
      'real-1',
      'geneva',
      fuzzPlane.leaseDir,
      600_000,
    );
    await agent.register();
    const accepted = listener.counts.accepted;
    agent.heartbeat();
    await eventually(() => listener.counts.accepted > accepted, 30_000, 50);
    expect(await fuzzPlane.alive()).toEqual([
      'gateway',
      'inventory',
      'placement',
      'supervision',
      'migration',
      'statistics',
    ]);
    expect(fuzzPlane.logs.filter((line) => line.includes('ERROR'))).toEqual([]);
  });
});
