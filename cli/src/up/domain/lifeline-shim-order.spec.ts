import { parseLifelineShimOrder } from './lifeline-shim-order';

const valid = {
  command: '/usr/sbin/nats-server',
  args: ['-js', '-p', '4222'],
  stopSignal: 'SIGTERM',
  stopGraceMs: 10_000,
};

describe('parseLifelineShimOrder', () => {
  it('reads the command, its arguments, the user to run it as and how to stop it', () => {
    expect(parseLifelineShimOrder(JSON.stringify({ ...valid, uid: 105, gid: 110 }))).toEqual({
      ...valid,
      uid: 105,
      gid: 110,
    });
    expect(parseLifelineShimOrder(JSON.stringify(valid))).toEqual(valid);
  });

  it.each([
    ['not json', 'the order is not JSON'],
    ['[]', 'the order must be a JSON object'],
    [JSON.stringify({ ...valid, command: '' }), 'command: must be a non-empty string'],
    [JSON.stringify({ ...valid, args: ['-p', 4222] }), 'args: must be an array of strings'],
    [JSON.stringify({ ...valid, uid: -1 }), 'uid: must be a non-negative integer'],
    [JSON.stringify({ ...valid, gid: 'postgres' }), 'gid: must be a non-negative integer'],
    [
      JSON.stringify({ ...valid, stopSignal: 'SIGKILL' }),
      'stopSignal: must be one of SIGINT, SIGTERM',
    ],
    [JSON.stringify({ ...valid, stopGraceMs: 0 }), 'stopGraceMs: must be a positive integer'],
  ])('refuses %s, naming what is wrong', (text, message) => {
    expect(() => parseLifelineShimOrder(text)).toThrow(message);
  });
});
