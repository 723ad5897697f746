import { eventually } from '@federa/testing';
import { CommandLedger } from '../acknowledged-commands';
import { expectConvergence, outageSpec, type OutagePlane } from '../outage-harness';
import { expectFaultInvariants } from './fault-invariants';
import { ProcessSampler, type Sighting } from './process-sampler';

/** A migration as the API lists it, with what the scenario reads of it. */
interface Move {
  id: string;
  instance: string;
  state: string;
  reason?: string;
  phases: { startedAt: string; endedAt: string | null }[];
}

/** A migration's states once it has ended. */
const ended = new Set(['succeeded', 'failed', 'rolled-back']);

/**
 * Work a backend outage meets half done, through a ledger of what the API acknowledged: `alpha`
 * deployed and available, then the host holding most of it draining (its instances moving with their
 * data) and `gamma` deployed, both acknowledged just before the backend goes away.
 */
export class WorkInFlight {
  readonly ledger: CommandLedger;
  /** The host being drained, once begin() has run. */
  drained = '';
  /** The process table, sampled from begin() until the drain has ended. */
  private sampler?: ProcessSampler;

  constructor(private readonly plane: OutagePlane) {
    this.ledger = new CommandLedger((method, path, body) => plane.call(method, path, body));
  }

  /** `alpha` (a store and two workers) deployed and available. */
  async deployAlpha(): Promise<void> {
    await this.apply('alpha', 2);
    await eventually(() => this.plane.recorded('ServiceAvailable', 'alpha'), 90_000, 250);
  }

  /** The drain of alpha's busiest host and the deploy of `gamma`, acknowledged, not waited on. */
  async begin(): Promise<void> {
    // Read until answered: a gateway shedding load under the machine's other suites answers no list.
    let instances: { host: string }[] = [];
    await eventually(
      async () => {
        const answer = await this.plane.call('GET', '/v1/instances?service=alpha');
        instances = answer.status === 200 ? (answer.json.items ?? []) : [];
        return instances.length > 0;
      },
      30_000,
      250,
    );
    const onHost = new Map<string, number>();
    for (const { host } of instances) onHost.set(host, (onHost.get(host) ?? 0) + 1);
    this.drained = [...onHost.entries()].sort((a, b) => b[1] - a[1])[0][0];
    this.sampler = ProcessSampler.start();
    await this.ledger.send('drain', this.drained, 'POST', `/v1/hosts/${this.drained}/drain`, {});
    await this.apply('gamma', 1);
  }

  /**
   * Once the backend is back: every move of the drain ends, and the drain with them, the host empty
   * or, only where the scenario passes `acceptBlocked` (a known problem, docs/RELIABILITY.md), waiting
   * for the operator with every instance that stayed held back for that cause alone, each such move's
   * recorded reason matching it too; then the outage suite's convergence (a killed instance replaced,
   * alpha stopped, beta deployed, each instance one process) and every fault invariant, the
   * acknowledged commands among them. Answers how the drain ended, for the scenario's reader.
   */
  async settle(acceptBlocked?: RegExp): Promise<string> {
    let drain: { state?: string; blocked?: { instance: string; reason: string }[] } | undefined;
    let moves: Move[] = [];
    await eventually(
      async () => {
        const host = await this.plane.call('GET', `/v1/hosts/${this.drained}`);
        const listed = await this.plane.call('GET', '/v1/migrations?limit=500');
        // An answer that is not 200 (the plane still recovering) is "not yet", not an empty list.
        if (host.status !== 200 || listed.status !== 200) return false;
        drain = host.json?.drain;
        moves = listed.json?.items ?? [];
        const movesEnded = moves.every((m) => ended.has(m.state));
        return movesEnded && (drain?.state === 'drained' || (drain?.blocked ?? []).length > 0);
      },
      // A move whose command the outage swallowed ends after its agent's 120 s without an outcome.
      180_000,
      500,
    ).catch(async (error: Error) => {
      await this.sampler?.stop();
      throw new Error(
        `${this.drained}'s drain did not end: ${error.message}; its drain: ${JSON.stringify(drain)}; the migrations: ${JSON.stringify(moves)}`,
      );
    });
    await this.sampler?.stop();
    this.expectNoSecondCopy(moves, await this.plane.events());
    if (drain?.state !== 'drained') {
      // Blocked: only for the cause the scenario documents, with each move that did not succeed
      // ended for that cause; any other block (no capacity, a move failed for a product bug) fails.
      const unexplained = (drain?.blocked ?? []).filter((b) => !acceptBlocked?.test(b.reason));
      const otherMoves = moves.filter(
        (m) =>
          m.state !== 'succeeded' &&
          !acceptBlocked?.test(`its move was rolled back (migration ${m.id}): ${m.reason ?? ''}`),
      );
      expect({ drain: drain?.state, unexplained, otherMoves }).toEqual({
        drain: drain?.state,
        unexplained: [],
        otherMoves: [],
      });
    }
    await expectConvergence(this.plane);
    await expectFaultInvariants(this.plane, { ledger: this.ledger });
    return drain?.state === 'drained'
      ? `${this.drained} drained`
      : `${this.drained} still draining, waiting for the operator: ${JSON.stringify(drain?.blocked)}`;
  }

  /**
   * No instance of the plane was seen as two processes while the backend was away or recovering,
   * but during a move of its own (make-before-break: the target started before the source stops),
   * from its first phase's start to a few seconds after its last phase's end (the source's exit).
   */
  private expectNoSecondCopy(moves: Move[], log: Awaited<ReturnType<OutagePlane['events']>>): void {
    const ours = log
      .filter((e) => e.type === 'InstanceRequested')
      .map((e) => String(e.data.instance));
    const exitMs = 5000;
    const duringItsMove = (s: Sighting) =>
      moves.some((m) => {
        if (m.instance !== s.instance || m.phases.length === 0) return false;
        const from = Date.parse(m.phases[0].startedAt);
        const lastEnd = m.phases.at(-1)!.endedAt;
        const to = lastEnd === null ? Infinity : Date.parse(lastEnd) + exitMs;
        return s.at >= from && s.at <= to;
      });
    const unexplained = (this.sampler?.twiceOf(ours) ?? []).filter((s) => !duringItsMove(s));
    expect(unexplained.map((s) => ({ ...s, at: new Date(s.at).toISOString() }))).toEqual([]);
  }

  private async apply(name: string, replicas: number): Promise<void> {
    const path = `/v1/services/${name}`;
    await this.ledger.send('apply', name, 'PUT', path, outageSpec(name, replicas));
    await this.ledger.send('deploy', name, 'POST', `${path}/deploy`);
  }
}
