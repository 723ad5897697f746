import type { AgentCommand, CommandReply, InstanceSpecPayload } from '@federa/contracts';
import type { LayerKind } from '../layers/layer-driver';
import {
  acceptedReply,
  admitCommand,
  parseAgentCommand,
  type AdmissionView,
  type LayerAbilities,
} from './command-admission';

const spec = (instance: string, layer: LayerKind = 'process') =>
  ({
    instance,
    service: 'shop',
    app: 'web',
    layer,
    artifact: { command: ['node', 'web.js'] },
    resources: { cpuMillis: 100, memoryBytes: 1, storageBytes: 1, bandwidthBps: 1 },
  }) as InstanceSpecPayload;

const processLayer: LayerAbilities = {
  artifactErrors: () => [],
  migratesIn: false,
  migratesOut: false,
};

function host(overrides: Partial<AdmissionView> = {}): AdmissionView {
  return {
    epoch: 4,
    registering: false,
    answerOf: () => undefined,
    instance: () => undefined,
    generationOf: () => undefined,
    layer: (kind) => (kind === 'process' ? processLayer : undefined),
    movesData: true,
    ...overrides,
  };
}

const running =
  (layer: LayerKind = 'process', state = 'running') =>
  () => ({ layer, state });

function command(body: Record<string, unknown>): AgentCommand {
  const parsed = parseAgentCommand({ commandId: 'c-1', epoch: 4, ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.refusal));
  return parsed.command;
}

const refusalOf = (admission: ReturnType<typeof admitCommand>) =>
  (admission as { reply: CommandReply & { ok: false } }).reply.error;

describe('parseAgentCommand', () => {
  it('refuses a malformed command naming each wrong field', () => {
    const parsed = parseAgentCommand({ commandId: 'c-1', epoch: 0, type: 'stop' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.refusal).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const paths = (parsed.refusal as { error: { details: Array<{ path: string }> } }).error.details;
    expect(paths.map((d) => d.path)).toEqual(expect.arrayContaining(['epoch', 'instance']));
  });
});

describe('admitCommand', () => {
  it('answers a command id already answered with that answer, whatever the epoch now', () => {
    const first = acceptedReply(command({ type: 'destroy', instance: 'web-1' }));
    const admission = admitCommand(
      command({ type: 'destroy', instance: 'web-1', epoch: 2 }),
      host({ answerOf: (id) => (id === 'c-1' ? first : undefined) }),
    );
    expect(admission).toEqual({ kind: 'answered', reply: first });
  });

  it('fences a stale epoch and an epoch from the future, naming the epoch field', () => {
    const stale = admitCommand(command({ type: 'stop', instance: 'web-1', epoch: 3 }), host());
    expect(stale.kind).toBe('fenced');
    expect(refusalOf(stale)).toMatchObject({
      code: 'stale_epoch',
      details: [{ path: 'epoch' }],
    });
    const future = admitCommand(command({ type: 'stop', instance: 'web-1', epoch: 5 }), host());
    expect(refusalOf(future).message).toMatch(/unknown epoch 5/);
  });

  it('fences every command while the host has no epoch yet', () => {
    const admission = admitCommand(
      command({ type: 'start', spec: spec('web-1') }),
      host({ epoch: undefined }),
    );
    expect(admission.kind).toBe('fenced');
    expect(refusalOf(admission).code).toBe('not_registered');
  });

  it('fences starts while the agent registers again, but lets stops and probes through', () => {
    const registering = host({ registering: true, instance: running() });
    for (const body of [
      { type: 'start', spec: spec('web-1') },
      { type: 'migrate-in', spec: spec('web-2') },
      { type: 'import-data', spec: spec('web-2'), key: 'k-1' },
    ]) {
      const admission = admitCommand(command(body), registering);
      expect(admission.kind).toBe('fenced');
      expect(refusalOf(admission)).toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/registering again for a new epoch/),
      });
    }
    expect(admitCommand(command({ type: 'stop', instance: 'web-1' }), registering).kind).toBe(
      'accepted',
    );
    expect(admitCommand(command({ type: 'probe', instance: 'web-1' }), registering).kind).toBe(
      'accepted',
    );
  });

  it('accepts a start on a layer the host offers, and a start of an instance that already runs', () => {
    expect(admitCommand(command({ type: 'start', spec: spec('web-1') }), host()).kind).toBe(
      'accepted',
    );
    const again = admitCommand(
      command({ type: 'start', spec: spec('web-1') }),
      host({ instance: running() }),
    );
    expect(again.kind).toBe('accepted');
  });

  it('refuses a layer the host does not offer, naming spec.layer', () => {
    const admission = admitCommand(command({ type: 'start', spec: spec('vm-1', 'qemu') }), host());
    expect(admission.kind).toBe('refused');
    expect(refusalOf(admission)).toMatchObject({
      code: 'layer_unavailable',
      details: [{ path: 'spec.layer' }],
    });
  });

  it('refuses an artifact the layer cannot run, naming each field under spec', () => {
    const picky: LayerAbilities = {
      ...processLayer,
      artifactErrors: () => [{ path: 'artifact.command', reason: 'must not be empty' }],
    };
    const admission = admitCommand(
      command({ type: 'start', spec: spec('web-1') }),
      host({ layer: () => picky }),
    );
    expect(refusalOf(admission)).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'spec.artifact.command', reason: 'must not be empty' }],
    });
  });

  it('refuses to start an instance on another layer than the one it runs on', () => {
    const admission = admitCommand(
      command({ type: 'start', spec: spec('web-1') }),
      host({ instance: running('sim'), layer: () => processLayer }),
    );
    expect(refusalOf(admission)).toMatchObject({ code: 'conflict', message: /layer sim/ });
  });

  it('refuses to import data into or migrate onto an instance that runs here', () => {
    const migrating = { ...processLayer, migratesIn: true };
    for (const body of [
      { type: 'import-data', spec: spec('web-1'), key: 'k/1' },
      { type: 'migrate-in', spec: spec('web-1') },
    ]) {
      const admission = admitCommand(
        command(body),
        host({ instance: running('process', 'healthy'), layer: () => migrating }),
      );
      expect(refusalOf(admission)).toMatchObject({
        code: 'conflict',
        details: [{ path: 'spec.instance' }],
      });
    }
  });

  it('refuses to move data while the host knows no data bucket, naming the key', () => {
    const noBucket = host({ movesData: false, instance: running('process', 'stopped') });
    for (const body of [
      { type: 'import-data', spec: spec('web-1'), key: 'k/1' },
      { type: 'export-data', instance: 'web-1', key: 'k/1' },
    ]) {
      expect(refusalOf(admitCommand(command(body), noBucket))).toMatchObject({
        code: 'unavailable',
        details: [{ path: 'key' }],
      });
    }
  });

  it('refuses a live migration the layer cannot do, in either direction', () => {
    const out = admitCommand(
      command({ type: 'migrate-out', instance: 'web-1', target: { host: 'h-2', uri: 'tcp:x:1' } }),
      host({ instance: running() }),
    );
    expect(refusalOf(out)).toMatchObject({ code: 'layer_unavailable', message: /live-migrate/ });
    const into = admitCommand(command({ type: 'migrate-in', spec: spec('web-1') }), host());
    expect(refusalOf(into)).toMatchObject({ code: 'layer_unavailable', message: /receive/ });
  });

  it('refuses work on an instance this host does not have, naming the instance', () => {
    for (const type of ['stop', 'destroy', 'probe']) {
      expect(refusalOf(admitCommand(command({ type, instance: 'web-9' }), host()))).toMatchObject({
        code: 'not_found',
        details: [{ path: 'instance' }],
      });
    }
  });

  it('refuses a start, an import or a migrate-in of an older generation than the host took, naming spec.generation', () => {
    const took3 = host({ generationOf: (instance) => (instance === 'web-1' ? 3 : undefined) });
    for (const body of [
      { type: 'start', spec: { ...spec('web-1'), generation: 2 } },
      { type: 'import-data', spec: { ...spec('web-1'), generation: 2 }, key: 'k/1' },
    ]) {
      const admission = admitCommand(command(body), took3);
      expect(admission.kind).toBe('refused');
      expect(refusalOf(admission)).toMatchObject({
        code: 'stale_generation',
        details: [{ path: 'spec.generation' }],
      });
    }
    const same = command({ type: 'start', spec: { ...spec('web-1'), generation: 3 } });
    const newer = command({ type: 'start', spec: { ...spec('web-1'), generation: 4 } });
    const unnumbered = command({ type: 'start', spec: spec('web-1') });
    const otherInstance = command({ type: 'start', spec: { ...spec('web-2'), generation: 1 } });
    for (const accepted of [same, newer, unnumbered, otherInstance]) {
      expect(admitCommand(accepted, took3).kind).toBe('accepted');
    }
  });
});

describe('acceptedReply', () => {
  it('names the command and its instance, and carries a probe only when there is one', () => {
    const stop = command({ type: 'stop', instance: 'web-1' });
    expect(acceptedReply(stop)).toEqual({
      ok: true,
      result: { commandId: 'c-1', type: 'stop', instance: 'web-1', accepted: true },
    });
    const probe = { healthy: true, state: 'healthy' };
    expect(acceptedReply(stop, probe)).toMatchObject({ result: { probe } });
  });
});
