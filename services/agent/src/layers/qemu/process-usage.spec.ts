import { cpuMillicores, type ProcessSample } from './process-usage';

const sample = (cpuMs: number, atMs: number): ProcessSample => ({
  cpuMs,
  rssBytes: 0,
  atMs,
  startedAtMs: 1_000,
});

describe('cpuMillicores', () => {
  it('averages over the process lifetime without a previous sample', () => {
    expect(cpuMillicores(sample(500, 3_000))).toBe(250);
  });

  it('uses the interval since the previous sample', () => {
    expect(cpuMillicores(sample(1_500, 5_000), sample(500, 4_000))).toBe(1_000);
  });

  it('answers 0 when no time passed', () => {
    expect(cpuMillicores(sample(10, 4_000), sample(0, 4_000))).toBe(0);
  });
});
