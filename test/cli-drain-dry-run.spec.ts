import { eventually } from '@federa/testing';
import { parse } from 'yaml';
import { describeCommand } from '../cli/src/commands/describe';
import { drainCommand, replaceCommand } from '../cli/src/commands/drain';
import { runCliCommand } from './cli-in-process';
import { Fleet } from './supervision-fleet';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

const app = (name: string, extra = '') => `
    - name: ${name}
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }
      ${extra}`;

/** A web front that can move, and a pinned application the drain must leave where it is. */
const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:${app('web')}${app('pinned', 'placement: { relocatable: false }')}
`;

type Instance = { id: string; app: string; host: string; state: string };

/**
 * `federa drain HOST --dry-run` and `federa replace HOST --with NEW --dry-run` against a real
 * control plane: gateway, inventory, placement and supervision, with real agents running the shop;
 * and `--wait` on a host with nothing to move.
 */
describe('federa drain --dry-run', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let web: Instance;
  let pinned: Instance;

  const cli = (command: typeof drainCommand, args: string[]) =>
    runCliCommand(command(), args, { api: plane.gateway.url, token: apiToken });

  beforeAll(async () => {
    plane = await startControlPlane('cli_drain');
    // Only d1 is there for the deploy, so that both instances land on it.
    fleet = await Fleet.start(plane, ['d1']);
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    const healthy = await eventually(
      async () => {
        const items: Instance[] = (await plane.call('GET', '/v1/instances?service=shop')).json
          .items;
        return items.filter((i) => i.state === 'healthy').length === 2 ? items : undefined;
      },
      90_000,
      200,
    );
    web = healthy!.find((i) => i.app === 'web')!;
    pinned = healthy!.find((i) => i.app === 'pinned')!;
    await fleet.startHost('d2');
    // Placement knows d2 once the plan has somewhere to send the web instance.
    await eventually(
      async () =>
        (await plane.call('POST', '/v1/hosts/d1/drain?dryRun=true')).json?.moves?.length === 1,
      60_000,
      200,
    );
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('prints where each instance would go, what stays and why, and the cost per hour; exit 4 as something stays', async () => {
    const { printed, exitCode } = await cli(drainCommand, ['d1', '--dry-run']);
    expect(printed).toContain('Draining d1 would move:');
    expect(printed).toMatch(
      new RegExp(`${web.id}\\s+shop/web\\s+d1 → d2\\s+make-before-break\\s+[\\d.]+/h → [\\d.]+/h`),
    );
    expect(printed).toContain(
      `Blocked (they would stay on the host):\n  ${pinned.id} (shop/pinned): not relocatable`,
    );
    expect(printed).toMatch(/Cost per hour: [\d.]+\/h → [\d.]+\/h/);
    expect(exitCode).toBe(4);
  });

  it("prints a replacement's plan as YAML, the API's answer as is", async () => {
    const { printed, exitCode } = await cli(replaceCommand, [
      'd1',
      '--with',
      'd2',
      '--dry-run',
      '-o',
      'yaml',
    ]);
    const answer = await plane.call('POST', '/v1/hosts/d1/replace?dryRun=true', { with: 'd2' });
    expect(parse(printed)).toEqual(answer.json);
    expect(answer.json).toMatchObject({ host: 'd1', with: 'd2', moves: [{ to: 'd2' }] });
    expect(exitCode).toBe(4);
  });

  it('leaves the host as it was: ready and never drained', async () => {
    const { printed, exitCode } = await cli(describeCommand, ['host', 'd1']);
    expect(printed).toContain('State:     ready');
    expect(printed).toContain('Drain:     never drained');
    expect(exitCode).toBe(0);
  });

  it('exits 3 for a host nobody knows, and 2 for a replacement by the host itself', async () => {
    const unknown = await cli(drainCommand, ['nowhere-1', '--dry-run']);
    expect(unknown.printed).toContain('error: not_found: ');
    expect(unknown.exitCode).toBe(3);
    const itself = await cli(replaceCommand, ['d1', '--with', 'd1', '--dry-run']);
    expect(itself.printed).toContain('error: --with: must name another host than d1');
    expect(itself.exitCode).toBe(2);
  });

  it('follows the drain of an empty host with --wait: drained at once, exit 0', async () => {
    await fleet.startHost('d3');
    await eventually(async () => (await plane.call('GET', '/v1/hosts/d3')).json?.state === 'ready');
    const { printed, exitCode } = await cli(drainCommand, ['d3', '--wait', '--reason', 'empty']);
    expect(printed).toMatch(/^0\/0 moved, 0 moving, 0 blocked, 0 left \(drained\)$/m);
    expect(printed).toMatch(/Drain: {5}drained since \S+Z\n {2}Stayed: {4}none/);
    expect(exitCode).toBe(0);
  });
});
