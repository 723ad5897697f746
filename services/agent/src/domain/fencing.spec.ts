import { epochRefusal } from './fencing';

describe('epochRefusal', () => {
  it('accepts only the current epoch', () => {
    expect(epochRefusal(4, 4)).toBeUndefined();
    expect(epochRefusal(3, 4)).toMatch(/stale epoch 3/);
    expect(epochRefusal(5, 4)).toMatch(/unknown epoch 5/);
    expect(epochRefusal(1, undefined)).toMatch(/not registered/);
  });
});
