import { formatBandwidth, formatBytes, formatCpu } from './host-quantities';

describe('host quantities as the CLI shows them', () => {
  it('writes cpu, bytes and bandwidth the way host.yaml does', () => {
    expect([formatCpu(500), formatCpu(2000), formatCpu(1500)]).toEqual(['500m', '2', '1.5']);
    expect([formatBytes(0), formatBytes(512 * 2 ** 20), formatBytes(1.5 * 2 ** 30)]).toEqual([
      '0',
      '512Mi',
      '1.5Gi',
    ]);
    expect([formatBandwidth(1e8), formatBandwidth(1e10)]).toEqual(['100Mbps', '10Gbps']);
  });
});
