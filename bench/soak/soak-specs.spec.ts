import { maxScale, minScale, soakService, specOf } from './soak-specs';

type Spec = {
  metadata: { name: string };
  spec: {
    applications: {
      name: string;
      layer: string;
      replicas: { min: number };
      resources: { cpu: string };
      artifact?: { env?: Record<string, string> };
    }[];
  };
};

describe('soak service specs', () => {
  it('runs real processes in the 1st, 26th, 51st ... service when there are real agents, simulated ones elsewhere', () => {
    expect(soakService(1, true).kind).toBe('process');
    expect(soakService(26, true).kind).toBe('process');
    expect(soakService(2, true).kind).not.toBe('process');
    expect(soakService(1, false).kind).not.toBe('process');
    expect(soakService(7, true).name).toBe('soak-0007');
  });

  it('scales the last application only and never below one replica', () => {
    const service = { ...soakService(6, true), scale: -5 };
    const apps = (specOf(service) as Spec).spec.applications;
    expect(apps.map((a) => a.replicas.min)).toEqual([1, 1, 1]);
    const pool = { ...soakService(3, true), scale: 2 };
    expect((specOf(pool) as Spec).spec.applications[0].replicas.min).toBe(5);
  });

  it('gives a changed-spec deploy a different spec: the cpu of simulated ones, an environment variable of real ones', () => {
    const sim = soakService(2, true);
    const before = JSON.stringify(specOf(sim));
    expect(JSON.stringify(specOf({ ...sim, generation: 1 }))).not.toBe(before);
    const real = soakService(1, true);
    const app = (specOf({ ...real, generation: 3 }) as Spec).spec.applications[0];
    expect(app.layer).toBe('process');
    expect(app.artifact?.env).toEqual({ SOAK_GENERATION: '3' });
  });

  it('scales below the base only where the last application has more than one replica', () => {
    expect(minScale('pool')).toBe(-1);
    expect(minScale('chain')).toBe(0);
    expect(minScale('process')).toBe(0);
    expect(maxScale('process')).toBe(1);
  });
});
