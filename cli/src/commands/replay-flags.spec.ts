import { UsageError } from '../exit-code';
import { agentBusOf, pacingOf, settleTimeoutOf, type ReplayFlags } from './replay-flags';

const flags = (extra: Partial<ReplayFlags> = {}): ReplayFlags => ({
  timeout: '2m',
  output: 'table',
  ...extra,
});

describe('federa replay flags', () => {
  it('paces by the recording (scaled by --speed), a fixed --rate, or --max; one at most', () => {
    expect(pacingOf({})).toEqual({ kind: 'speed', factor: 1 });
    expect(pacingOf({ speed: '10' })).toEqual({ kind: 'speed', factor: 10 });
    expect(pacingOf({ rate: '50' })).toEqual({ kind: 'rate', perSecond: 50 });
    expect(pacingOf({ max: true })).toEqual({ kind: 'max' });
    expect(() => pacingOf({ rate: '5', max: true })).toThrow('--max: cannot be given with --rate');
    expect(() => pacingOf({ speed: '0' })).toThrow(UsageError);
    expect(() => pacingOf({ rate: 'fast' })).toThrow('--rate: must be a positive number');
  });

  it('connects the simulated agents as the agent does: flags first, then its environment', () => {
    const env = {
      FEDERA_NATS_URL: 'nats://bus:4222',
      FEDERA_SUBJECT_PREFIX: 'loadtest',
      FEDERA_NATS_CREDENTIALS: '/seeds/simulator-replay.nk',
      FEDERA_HEARTBEAT_MS: '500',
    };
    expect(agentBusOf(flags(), env)).toEqual({
      natsUrl: 'nats://bus:4222',
      subjectPrefix: 'loadtest',
      heartbeatMs: 500,
      credentials: '/seeds/simulator-replay.nk',
    });
    expect(agentBusOf(flags({ nats: 'nats://x:1', subjectPrefix: 'p2' }), {})).toEqual({
      natsUrl: 'nats://x:1',
      subjectPrefix: 'p2',
      heartbeatMs: 1000,
    });
    expect(() => agentBusOf(flags({ subjectPrefix: 'a.b' }), {})).toThrow('--subject-prefix:');
  });

  it('reads --timeout as a duration of at least a second', () => {
    expect(settleTimeoutOf({ timeout: '90s' })).toBe(90_000);
    expect(() => settleTimeoutOf({ timeout: 'soon' })).toThrow('--timeout:');
  });
});
