import type { INestMicroservice } from '@nestjs/common';
import { Subjects, type RecordedEvent } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { connect, headers, JSONCodec } from 'nats';
import { eventsCommand } from '../cli/src/commands/events';
import { runCliCommand } from './cli-in-process';
import { healthyInstance, kvStoreApp, serviceYaml, type Json } from './migration-fixtures';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const hosts = ['au1', 'au2', 'au3'];
const shopYaml = serviceYaml('shop', [kvStoreApp('web')]);

/**
 * Who did what, through every service (docs/security/audit.md): alice (an operator token) deploys a
 * service, bob (an admin token) cordons and drains the host it runs on, then a host dies and
 * supervision replaces what ran there. Each event names its actor, the token's role and the service
 * that decided it; events caused by others carry their cause's actor and name the cause.
 */
describe('the audit trail', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;
  const tokens: Record<string, string> = {};

  /** A call to the API with `who`'s token. */
  const as = async (who: string, method: string, path: string, body?: string, type?: string) => {
    const response = await fetch(`${plane.gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body !== undefined ? { 'content-type': type ?? 'application/json' } : {}),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : undefined) as Json };
  };

  /** The whole log through the API, or only `actor`'s events, page after page. */
  const log = async (actor?: string): Promise<RecordedEvent[]> => {
    const all: RecordedEvent[] = [];
    for (let after = 0; ;) {
      const query = `after=${after}&limit=1000${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`;
      const page = (await plane.call('GET', `/v1/events?${query}`)).json;
      all.push(...page.items);
      if (page.items.length < 1000) return all;
      after = page.next;
    }
  };

  beforeAll(async () => {
    plane = await startControlPlane('security_audit');
    fleet = await Fleet.start(plane, hosts);
    migration = await startMigrationService({
      ...process.env,
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
    });
    for (const [name, role] of [
      ['alice', 'operator'],
      ['bob', 'admin'],
    ]) {
      const created = await plane.call('POST', '/v1/tokens', { name, role });
      expect(created.status).toBe(201);
      tokens[name] = created.json.token;
    }
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('names alice for her deploy, bob for his drain, agents for what they saw and supervision for a replacement, each with its cause', async () => {
    expect(
      (await as('alice', 'PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await as('alice', 'POST', '/v1/services/shop/deploy')).status).toBe(202);
    const first = await healthyInstance(plane, 'shop', 'web', 90_000);

    expect((await as('bob', 'POST', `/v1/hosts/${first.host}/cordon`, '{}')).status).toBe(200);
    expect((await as('bob', 'POST', `/v1/hosts/${first.host}/drain`, '{}')).status).toBe(200);
    await eventually(
      async () => (await plane.call('GET', `/v1/hosts/${first.host}`)).json.state === 'drained',
      120_000,
      250,
    );
    const moved = await healthyInstance(plane, 'shop', 'web', 90_000);
    expect(moved.host).not.toBe(first.host);

    const beforeDeath = (await log()).at(-1)!.position;
    await fleet.killHost(moved.host);
    const replacement = (await eventually(
      async () =>
        (await log()).find((e) => e.type === 'InstanceRequested' && e.position > beforeDeath),
      90_000,
      250,
    )) as RecordedEvent;

    // Alice's: her deploy and what it caused, in her role, and nothing of bob's.
    const alices = await log('token:alice');
    const types = alices.map((e) => e.type);
    for (const type of [
      'ServiceDefined',
      'ServiceDeployStarted',
      'InstanceRequested',
      'InstancePlaced',
    ])
      expect(types).toContain(type);
    for (const type of ['HostCordoned', 'HostDrainStarted', 'MigrationStarted'])
      expect(types).not.toContain(type);
    expect(alices.every((e) => e.metadata.actorRole === 'operator')).toBe(true);
    const deployStarted = alices.find((e) => e.type === 'ServiceDeployStarted')!;
    expect(deployStarted.metadata.decidedBy).toBe('supervision');
    const requested = alices.find(
      (e) => e.type === 'InstanceRequested' && e.streamId === `instance-${first.id}`,
    )!;
    expect(requested.metadata).toMatchObject({
      decidedBy: 'supervision',
      causationId: deployStarted.eventId,
      correlationId: deployStarted.metadata.correlationId,
    });
    const placed = alices.find(
      (e) => e.type === 'InstancePlaced' && e.streamId === `instance-${first.id}`,
    )!;
    expect(placed.metadata).toMatchObject({
      decidedBy: 'placement',
      causationId: requested.eventId,
      correlationId: deployStarted.metadata.correlationId,
    });

    // Bob's: the cordon and the drain, and the migration the drain caused.
    const bobs = await log('token:bob');
    expect(bobs.every((e) => e.metadata.actorRole === 'admin')).toBe(true);
    const drainStarted = bobs.find((e) => e.type === 'HostDrainStarted')!;
    expect(drainStarted.metadata.decidedBy).toBe('inventory');
    expect(bobs.find((e) => e.type === 'HostCordoned')?.metadata.decidedBy).toBe('inventory');
    const migrationStarted = bobs.find((e) => e.type === 'MigrationStarted')!;
    expect(migrationStarted.metadata).toMatchObject({
      decidedBy: 'migration',
      causationId: drainStarted.eventId,
    });
    // The saga's first append is caused by the drain, what its runner appends by its start.
    const saga = bobs.filter((e) => e.streamId === migrationStarted.streamId);
    expect(saga.every((e) => e.metadata.decidedBy === 'migration')).toBe(true);
    expect(new Set(saga.map((e) => e.metadata.causationId))).toEqual(
      new Set([drainStarted.eventId, migrationStarted.eventId]),
    );
    expect(bobs.find((e) => e.type === 'InstanceMigrating')?.metadata).toMatchObject({
      decidedBy: 'migration',
      causationId: migrationStarted.eventId,
    });
    expect(bobs.some((e) => ['ServiceDefined', 'ServiceDeployStarted'].includes(e.type))).toBe(
      false,
    );

    // What agents reported is theirs.
    const all = await log();
    const healthy = all.find(
      (e) => e.type === 'InstanceHealthy' && e.streamId === `instance-${first.id}`,
    )!;
    expect(healthy.metadata).toMatchObject({
      actor: `agent:${first.host}`,
      decidedBy: 'supervision',
    });

    // The replacement after the host died is supervision's, caused by the instance's failure.
    expect(replacement.metadata).toMatchObject({ actor: 'supervision', decidedBy: 'supervision' });
    const cause = all.find((e) => e.eventId === replacement.metadata.causationId);
    expect(cause).toMatchObject({
      type: 'InstanceFailed',
      streamId: `instance-${moved.id}`,
      data: { host: moved.host, cause: 'host-down' },
    });

    // Every event names who and which service decided it.
    const unnamed = all.filter(
      (e) =>
        typeof e.metadata.actor !== 'string' ||
        e.metadata.actor === '' ||
        typeof e.metadata.decidedBy !== 'string' ||
        e.metadata.decidedBy === '',
    );
    expect(unnamed.map((e) => `${e.position} ${e.type} ${JSON.stringify(e.metadata)}`)).toEqual([]);

    // The same question from the command line.
    const cli = await runCliCommand(eventsCommand(), ['--actor', 'token:alice', '-o', 'ndjson'], {
      api: plane.gateway.url,
      token: tokens.bob,
    });
    expect(cli.exitCode).toBe(0);
    const printed = cli.printed
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedEvent);
    const alicesNow = await log('token:alice');
    expect(printed.map((e) => e.eventId)).toEqual(alicesNow.map((e) => e.eventId));
    const refused = await runCliCommand(eventsCommand(), ['--actor', 'token:a b'], {
      api: plane.gateway.url,
      token: tokens.bob,
    }).catch((error: Error) => ({ printed: error.message, exitCode: 1 }));
    expect(refused.exitCode).not.toBe(0);
    expect(refused.printed).toMatch(/--actor/);
  }, 600_000);

  it('refuses a command whose actor header is malformed, naming the header, and records nothing', async () => {
    const nc = await connect({ servers: plane.settings.natsUrl });
    try {
      const before = (await log()).at(-1)?.position ?? 0;
      const json = JSONCodec();
      const bad = headers();
      bad.set('Federa-Actor', 'token:alice;DROP');
      const reply = json.decode(
        (
          await nc.request(
            new Subjects(plane.prefix).command('supervision', 'deploy'),
            json.encode({ name: 'shop' }),
            { headers: bad, timeout: 30_000 },
          )
        ).data,
      ) as { ok: boolean; error?: { code: string; details: { path: string }[] } };
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe('validation_failed');
      expect(reply.error?.details.map((d) => d.path)).toEqual(['Federa-Actor header']);
      expect(
        (await log()).filter((e) => e.position > before && e.streamId === 'service-shop'),
      ).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 120_000);
});
