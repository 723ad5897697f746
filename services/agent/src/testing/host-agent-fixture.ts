import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentCommandType, CommandReply, InstanceSpecPayload } from '@federa/contracts';
import type { ReportDraft } from '../domain/report-draft';
import { HostAgent } from '../host-agent';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { FakeClock } from './fake-clock';
import { FakeDataTransfer } from './fake-data-transfer';
import { FakeLayer, type FakeLayerOptions } from './fake-layer';
import { FakeStateStore } from './fake-state-store';

export interface HostAgentFixtureOptions extends FakeLayerOptions {
  /** The epoch granted at registration; null: not registered. @default 7 */
  epoch?: number | null;
  /** Whether the agent knows a data bucket. @default true */
  data?: boolean;
  /** Where instances keep their files. @default a path that does not exist */
  instancesDir?: string;
}

/** A command as it comes off the wire; the fixture adds an id and the epoch unless it has them. */
export type CommandBody = { type: AgentCommandType } & Record<string, unknown>;

/** Probe interval of instances whose spec names none. */
export const HEARTBEAT_MS = 1_000;

/** A host agent on fakes of its layer, store, clock and data bucket, with every report it made. */
export class HostAgentFixture {
  readonly layer: FakeLayer;
  readonly store = new FakeStateStore();
  readonly clock = new FakeClock();
  readonly data = new FakeDataTransfer();
  readonly reports: ReportDraft[] = [];
  /** What the agent warned of (the instance table could not be saved). */
  readonly warnings: string[] = [];
  agent: HostAgent;
  private nextId = 0;

  constructor(private readonly options: HostAgentFixtureOptions = {}) {
    this.layer = new FakeLayer(options);
    this.agent = this.boot();
  }

  get epoch(): number {
    return this.agent.epoch ?? 1;
  }

  /** A new agent process on the same store and layer (what survives a restart), restored. */
  async restart(): Promise<HostAgent> {
    this.agent = this.boot();
    await this.agent.restore();
    return this.agent;
  }

  /** Sends a command with a fresh id and the current epoch unless it names its own. */
  send(command: CommandBody): Promise<CommandReply> {
    return this.agent.handleCommand({
      commandId: `cmd-${++this.nextId}`,
      epoch: this.epoch,
      ...command,
    });
  }

  /** Sends a command and waits until its work is done. */
  async run(command: CommandBody): Promise<CommandReply> {
    const reply = await this.send(command);
    await this.agent.settled();
    return reply;
  }

  /** Starts an instance and waits until the layer runs it. */
  async started(instance: string, payload: Partial<InstanceSpecPayload> = {}): Promise<void> {
    await this.run({ type: 'start', spec: specPayload(instance, payload) });
  }

  /** The states reported for an instance, in order. */
  states(instance: string): string[] {
    return this.reports
      .filter((r) => r.kind === 'instance' && r.instance === instance)
      .map((r) => r.state as string);
  }

  /** The reports about a command's outcome and progress, in order. */
  outcomes(command?: string): ReportDraft[] {
    return this.reports.filter(
      (r) => r.kind === 'command' && (command === undefined || r.command === command),
    );
  }

  private boot(): HostAgent {
    const layers = new Map<LayerKind, LayerDriver>([['process', this.layer]]);
    const agent = new HostAgent({
      host: 'host-a',
      layers,
      instancesDir: this.options.instancesDir ?? join(tmpdir(), 'federa-agent-fixture-nowhere'),
      store: this.store,
      data: this.options.data === false ? undefined : this.data,
      report: (draft) => this.reports.push(draft),
      heartbeatMs: HEARTBEAT_MS,
      now: this.clock.now,
      schedule: this.clock.schedule,
      warn: (message) => this.warnings.push(message),
    });
    if (this.options.epoch !== null) agent.setEpoch(this.options.epoch ?? 7);
    return agent;
  }
}

/** A valid spec of a process instance, probed every 2 s, unhealthy after 2 failures in a row. */
export function specPayload(
  instance: string,
  overrides: Partial<InstanceSpecPayload> = {},
): InstanceSpecPayload {
  return {
    instance,
    service: 'shop',
    app: 'web',
    layer: 'process',
    artifact: { command: ['node', 'web.js'] },
    resources: {
      cpuMillis: 500,
      memoryBytes: 268435456,
      storageBytes: 1073741824,
      bandwidthBps: 1e6,
    },
    health: { http: { path: '/health' }, intervalMs: 2_000, failureThreshold: 2 },
    ...overrides,
  } as InstanceSpecPayload;
}
