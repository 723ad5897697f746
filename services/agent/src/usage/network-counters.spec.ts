import { NetworkRateMeter, parseNetDev } from './network-counters';

const netDev = (eth0: [number, number], lo: [number, number] = [5, 5]) =>
  [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    `    lo: ${lo[0]} 1 0 0 0 0 0 0 ${lo[1]} 1 0 0 0 0 0 0`,
    `  eth0: ${eth0[0]} 10 0 0 0 0 0 0 ${eth0[1]} 12 0 0 0 0 0 0`,
    '',
  ].join('\n');

describe('network counters', () => {
  it('sums received and sent bytes of every interface but loopback', () => {
    expect(parseNetDev(netDev([1000, 400], [99, 99]))).toEqual({ rxBytes: 1000, txBytes: 400 });
  });

  it('gives per-second rates in and out between two readings, and zeros for the first', () => {
    const meter = new NetworkRateMeter();
    expect(meter.next({ rxBytes: 1000, txBytes: 400 }, 10_000)).toEqual({
      networkBytes: 0,
      networkInBytes: 0,
      networkOutBytes: 0,
    });
    expect(meter.next({ rxBytes: 3000, txBytes: 1400 }, 12_000)).toEqual({
      networkBytes: 1500,
      networkInBytes: 1000,
      networkOutBytes: 500,
    });
  });

  it('gives zeros rather than a negative rate when the counters went backwards', () => {
    const meter = new NetworkRateMeter();
    meter.next({ rxBytes: 5000, txBytes: 5000 }, 1_000);
    expect(meter.next({ rxBytes: 10, txBytes: 6000 }, 2_000).networkBytes).toBe(0);
  });
});
