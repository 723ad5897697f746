import { eventually } from '@federa/testing';
import { CommandLedger } from '../acknowledged-commands';
import { expectConvergence, outageSpec, type OutagePlane } from '../outage-harness';
import { expectFaultInvariants } from './fault-invariants';

/**
 * Work a backend outage meets half done, through a ledger of what the API acknowledged: `alpha`
 * deployed and available, then the host holding most of it draining (its instances moving with their
 * data) and `gamma` deployed, both acknowledged just before the backend goes away.
 */
export class WorkInFlight {
  readonly ledger: CommandLedger;
  /** The host being drained, once begin() has run. */
  drained = '';

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
    const instances = (await this.plane.call('GET', '/v1/instances?service=alpha')).json.items as {
      host: string;
    }[];
    const onHost = new Map<string, number>();
    for (const { host } of instances) onHost.set(host, (onHost.get(host) ?? 0) + 1);
    this.drained = [...onHost.entries()].sort((a, b) => b[1] - a[1])[0][0];
    await this.ledger.send('drain', this.drained, 'POST', `/v1/hosts/${this.drained}/drain`, {});
    await this.apply('gamma', 1);
  }

  /**
   * Once the backend is back: the drain ends with the host empty, the outage suite's convergence
   * (a killed instance replaced, alpha stopped, beta deployed, each instance one process), then
   * every fault invariant, the acknowledged commands among them.
   */
  async settle(): Promise<void> {
    await eventually(
      async () =>
        (await this.plane.events()).some(
          (e) => e.type === 'HostDrained' && e.data.host === this.drained,
        ),
      120_000,
      250,
    ).catch(async (error: Error) => {
      const host = (await this.plane.call('GET', `/v1/hosts/${this.drained}`)).json;
      const moves = (await this.plane.call('GET', '/v1/migrations?limit=500')).json;
      throw new Error(
        `${this.drained} was not drained: ${error.message}; its drain: ${JSON.stringify(host?.drain)}; the migrations: ${JSON.stringify(moves?.items)}`,
      );
    });
    await expectConvergence(this.plane);
    await expectFaultInvariants(this.plane, { ledger: this.ledger });
  }

  private async apply(name: string, replicas: number): Promise<void> {
    const path = `/v1/services/${name}`;
    await this.ledger.send('apply', name, 'PUT', path, outageSpec(name, replicas));
    await this.ledger.send('deploy', name, 'POST', `${path}/deploy`);
  }
}
