import { Subjects } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import { killGroup } from '../../test/agent-harness';
import type { SoakApi } from './soak-api';
import type { SoakLedger } from './soak-ledger';
import { maxScale, minScale, specOf, type SoakService } from './soak-specs';

/** What the churn does, each chosen at random with its weight. */
const actions = {
  update: 25,
  scale: 20,
  kill: 15,
  migrate: 15,
  drain: 10,
  stop: 15,
} as const;
export type ChurnAction = keyof typeof actions;

/** How long a host stays killed or drained, and a service stopped, before the churn undoes it. */
const undoAfterMs = { kill: 30_000, drain: 60_000, stop: 30_000 };

interface Instance {
  id: string;
  service: string;
  host: string | null;
  state: string;
  layer: string;
}

/** Something to undo later: revive a killed simulated host, uncordon a drained host, start a stopped service. */
interface Undo {
  dueMs: number;
  what: string;
  run: () => Promise<void>;
}

const encoder = new TextEncoder();
const pick = <T>(items: readonly T[]): T | undefined =>
  items[Math.floor(Math.random() * items.length)];

/** The plane's parts the churn acts on. */
export interface ChurnPlane {
  api: SoakApi;
  ledger: SoakLedger;
  nc: NatsConnection;
  prefix: string;
  realHosts: readonly string[];
  workloadPids(host: string): Map<string, number>;
}

/**
 * The churn: workers that each, every interval, take a target no other holds (a service, a host)
 * and act on it through the REST API (changed-spec deploys, scaling, migrations, drains, stops),
 * or kill an instance (a simulated host killed by injection, a real workload by kill -9); each
 * kill, drain and stop is undone later (revive, uncordon, start). `stop()` waits for the actions
 * in flight and undoes at once everything still to undo.
 */
export class Churn {
  readonly done = new Map<string, number>();
  readonly failed = new Map<string, number>();
  private readonly held = new Set<string>();
  private readonly undos: Undo[] = [];
  private running = true;
  private readonly workers: Promise<void>[] = [];
  private readonly subjects: Subjects;

  constructor(
    private readonly plane: ChurnPlane,
    private readonly services: SoakService[],
    private readonly intervalMs: number,
  ) {
    this.subjects = new Subjects(plane.prefix);
  }

  start(workers: number): void {
    for (let n = 0; n < workers; n++) this.workers.push(this.work(n));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    const rest = this.undos.splice(0);
    for (const undo of rest) await this.undo(undo);
  }

  private count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  private async work(worker: number): Promise<void> {
    // Workers start apart, so that their actions interleave.
    await sleep((this.intervalMs / Math.max(1, this.workers.length + 1)) * worker);
    while (this.running) {
      const started = Date.now();
      const due = this.undos.findIndex((u) => u.dueMs <= started);
      try {
        if (due >= 0) await this.undo(this.undos.splice(due, 1)[0]);
        else await this.act(chooseAction());
      } catch (error) {
        this.count(this.failed, String((error as Error).message).slice(0, 120));
      }
      await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
    }
  }

  private async undo(undo: Undo): Promise<void> {
    try {
      await undo.run();
      this.count(this.done, undo.what);
    } catch (error) {
      this.count(this.failed, `${undo.what}: ${String((error as Error).message).slice(0, 120)}`);
    }
  }

  private later(after: number, what: string, run: () => Promise<void>): void {
    this.undos.push({ dueMs: Date.now() + after, what, run });
  }

  /** Holds `target` for the action; false when another action holds it. */
  private hold(target: string): boolean {
    if (this.held.has(target)) return false;
    this.held.add(target);
    return true;
  }

  private async act(action: ChurnAction): Promise<void> {
    const service = pick(this.services.filter((s) => !this.held.has(s.name) && !s.stopped));
    if (!service || !this.hold(service.name)) return;
    let keep = false;
    try {
      switch (action) {
        case 'update':
          service.generation++;
          await this.applyAndDeploy(service, 'update');
          break;
        case 'scale': {
          const up =
            service.scale < maxScale(service.kind) &&
            (service.scale <= minScale(service.kind) || Math.random() < 0.5);
          service.scale += up ? 1 : -1;
          await this.applyAndDeploy(service, up ? 'scale-up' : 'scale-down');
          break;
        }
        case 'migrate':
          await this.migrate(service);
          break;
        case 'kill':
          await this.kill(service);
          break;
        case 'drain':
          await this.drain(service);
          break;
        case 'stop':
          keep = await this.stopService(service);
          break;
      }
    } finally {
      if (!keep) this.held.delete(service.name);
    }
  }

  private async applyAndDeploy(service: SoakService, what: string): Promise<void> {
    const { ledger } = this.plane;
    const applied = await ledger.send(
      'apply',
      service.name,
      'PUT',
      `/v1/services/${service.name}`,
      specOf(service),
    );
    if (!applied) return;
    if (await ledger.send('deploy', service.name, 'POST', `/v1/services/${service.name}/deploy`))
      this.count(this.done, what);
  }

  private async instancesOf(service: SoakService): Promise<Instance[]> {
    const answer = await this.plane.api.call(
      'GET',
      `/v1/instances?service=${service.name}&limit=100`,
    );
    if (answer.status !== 200) throw new Error(`GET /v1/instances answered ${answer.status}`);
    return (answer.json.items as Instance[]).filter(
      (i) => i.host && ['running', 'healthy'].includes(i.state),
    );
  }

  private async migrate(service: SoakService): Promise<void> {
    const instance = pick(await this.instancesOf(service));
    if (!instance) return;
    const answer = await this.plane.ledger.send(
      'migrate',
      instance.id,
      'POST',
      `/v1/instances/${instance.id}/migrate`,
      {},
    );
    if (answer) this.count(this.done, 'migrate');
  }

  /** A simulated host of one of the service's instances killed (revived later); a real workload kill -9. */
  private async kill(service: SoakService): Promise<void> {
    const instance = pick(await this.instancesOf(service));
    if (!instance?.host) return;
    if (instance.layer !== 'sim') {
      const pid = this.plane.workloadPids(instance.host).get(instance.id);
      if (pid === undefined) return;
      killGroup(pid);
      this.count(this.done, 'kill-9 workload');
      return;
    }
    const host = instance.host;
    if (!this.hold(host)) return;
    await this.inject(host, 'kill');
    this.count(this.done, 'kill sim host');
    this.later(undoAfterMs.kill, 'revive sim host', async () => {
      try {
        await this.inject(host, 'revive');
      } finally {
        this.held.delete(host);
      }
    });
  }

  private async inject(host: string, fault: 'kill' | 'revive'): Promise<void> {
    const reply = await this.plane.nc.request(
      this.subjects.simInject(host),
      encoder.encode(JSON.stringify({ fault })),
      {
        timeout: 5000,
      },
    );
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: boolean };
    if (!body.ok) throw new Error(`${fault} ${host}: ${JSON.stringify(body)}`);
  }

  /** The host of one of the service's instances drained, uncordoned later. */
  private async drain(service: SoakService): Promise<void> {
    const instance = pick(await this.instancesOf(service));
    if (!instance?.host || !this.hold(instance.host)) return;
    const host = instance.host;
    const drained = await this.plane.ledger.send('drain', host, 'POST', `/v1/hosts/${host}/drain`, {
      reason: 'soak churn',
      deadlineMs: 300_000,
    });
    if (!drained) {
      this.held.delete(host);
      return;
    }
    this.count(this.done, instance.layer === 'sim' ? 'drain sim host' : 'drain real host');
    this.later(undoAfterMs.drain, 'uncordon', async () => {
      try {
        await this.plane.ledger.send('uncordon', host, 'POST', `/v1/hosts/${host}/uncordon`);
      } finally {
        this.held.delete(host);
      }
    });
  }

  /** Whether the API shows the service stopping or stopped. */
  private async stopping(service: SoakService): Promise<boolean> {
    const answer = await this.plane.api.call('GET', `/v1/services/${service.name}`);
    return answer.status === 200 && ['stopping', 'stopped'].includes(answer.json?.state);
  }

  /** Stops the service and keeps holding it until it is started again; answers whether it holds it. */
  private async stopService(service: SoakService): Promise<boolean> {
    const stopped = await this.plane.ledger.send(
      'stop',
      service.name,
      'POST',
      `/v1/services/${service.name}/stop`,
    );
    // A stop never acknowledged (no answer in time on a busy machine) may still have been done:
    // the service's state says, so that it is started again all the same.
    if (!stopped && !(await this.stopping(service))) return false;
    service.stopped = true;
    this.count(this.done, 'stop');
    this.later(undoAfterMs.stop, 'start', async () => {
      try {
        const started = await this.plane.ledger.send(
          'deploy',
          service.name,
          'POST',
          `/v1/services/${service.name}/deploy`,
        );
        if (started) service.stopped = false;
      } finally {
        this.held.delete(service.name);
      }
    });
    return true;
  }
}

function chooseAction(): ChurnAction {
  const total = Object.values(actions).reduce((a, b) => a + b, 0);
  let roll = Math.random() * total;
  for (const [action, weight] of Object.entries(actions) as [ChurnAction, number][]) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return 'update';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
