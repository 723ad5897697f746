import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCommand } from '../cli/src/commands/apply';
import { deployCommand } from '../cli/src/commands/deploy';
import { stopCommand } from '../cli/src/commands/stop';
import { runCliCommand } from './cli-in-process';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';
import { Fleet } from './supervision-fleet';

jest.setTimeout(60_000);

/** A service of one simulated application, one instance. */
function simService(name: string) {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: [
        {
          name: 'app',
          layer: 'sim',
          resources: { cpu: '100m', memory: '64Mi' },
          replicas: { min: 1, max: 1 },
        },
      ],
    },
  };
}

describe('federa deploy, stop and apply --wait', () => {
  let plane: ControlPlane;
  let fleet: Fleet | undefined;
  let dir: string;
  const cli = (command: Parameters<typeof runCliCommand>[0], args: string[]) =>
    runCliCommand(command, args, { api: plane.gateway.url, token: apiToken });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'federa-wait-'));
    // No placement and no host yet: a deploy cannot get anywhere until the fleet starts.
    plane = await startControlPlane('cli_wait');
  });

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 5 when --timeout passes while the deploy is still going, which goes on', async () => {
    expect((await plane.call('PUT', '/v1/services/stuck', simService('stuck'))).status).toBe(200);
    const { printed, exitCode } = await cli(deployCommand(), [
      'stuck',
      '--wait',
      '--timeout',
      '1s',
    ]);
    expect(exitCode).toBe(5);
    expect(printed).toContain('stuck deploying');
    expect(printed).toContain('deploy: --timeout passed while service stuck was deploying');
    expect((await plane.call('GET', '/v1/services/stuck')).json.state).toBe('deploying');
  });

  it('refuses --timeout without --wait, or that is no duration, as a usage error', async () => {
    const alone = await cli(deployCommand(), ['stuck', '--timeout', '1s']);
    expect(alone.exitCode).toBe(2);
    expect(alone.printed).toContain('--timeout: only with --wait');
    const bad = await cli(stopCommand(), ['stuck', '--wait', '--timeout', 'soon']);
    expect(bad.exitCode).toBe(2);
    expect(bad.printed).toContain('--timeout: expected a duration');
  });

  it('stops a service that was never deployed at once, exit 0, with no --timeout', async () => {
    expect((await plane.call('PUT', '/v1/services/idle', simService('idle'))).status).toBe(200);
    const { printed, exitCode } = await cli(stopCommand(), ['idle', '--wait', '-o', 'name']);
    expect(exitCode).toBe(0);
    expect(printed).toContain('idle defined');
    expect(printed.trimEnd().split('\n').at(-1)).toBe('idle');
  });

  it('applies, deploys until available and stops until stopped, each exiting 0', async () => {
    fleet = await Fleet.start(plane, ['wait-1'], { layers: ['sim'] });
    const file = join(dir, 'shop.json');
    writeFileSync(file, JSON.stringify(simService('quick')));

    const applied = await cli(applyCommand(), ['-f', file, '--wait']);
    expect(applied).toMatchObject({ exitCode: 0 });
    expect(applied.printed).toContain('quick defined');

    const deployed = await cli(deployCommand(), [
      'quick',
      '--wait',
      '--timeout',
      '40s',
      '-o',
      'json',
    ]);
    expect(deployed.exitCode).toBe(0);
    expect(deployed.printed).toMatch(/quick (deploying|available): app \d\/1 healthy/);
    const service = JSON.parse(deployed.printed.slice(deployed.printed.indexOf('{')));
    expect(service).toMatchObject({ name: 'quick', state: 'available' });

    const stopped = await cli(stopCommand(), ['quick', '--wait', '--timeout', '40s']);
    expect(stopped.exitCode).toBe(0);
    expect(stopped.printed).toMatch(/quick stopped/);
    expect((await plane.call('GET', '/v1/services/quick')).json.state).toBe('stopped');
  });
});
