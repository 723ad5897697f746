import fc from 'fast-check';
import { DeadlineWheel } from './deadline-wheel';

describe('deadline wheel', () => {
  it('fires a key no earlier than its deadline and within one slot after it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 10_000 })), {
          maxLength: 60,
        }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }),
        (deadlines, steps) => {
          const wheel = new DeadlineWheel<number>(250);
          const expected = new Map<number, number>();
          for (const [key, at] of deadlines) {
            wheel.schedule(key, at);
            expected.set(key, at);
          }
          let now = 0;
          for (const step of [...steps, 20_000]) {
            now += step;
            for (const key of wheel.takeDue(now)) {
              const at = expected.get(key)!;
              expect(at).toBeLessThanOrEqual(now);
              expected.delete(key);
            }
            for (const at of expected.values()) expect(at > now - 250).toBe(true);
          }
          expect(expected.size).toBe(0);
          expect(wheel.size).toBe(0);
        },
      ),
    );
  });

  it('moves a rescheduled key and forgets a cancelled one', () => {
    const wheel = new DeadlineWheel<string>(100);
    wheel.schedule('a', 100);
    wheel.schedule('b', 100);
    wheel.schedule('a', 500);
    wheel.cancel('b');
    expect(wheel.takeDue(200)).toEqual([]);
    expect(wheel.takeDue(500)).toEqual(['a']);
  });

  it('fires a deadline set in the past at the next take', () => {
    const wheel = new DeadlineWheel<string>(100);
    wheel.takeDue(1000);
    wheel.schedule('late', 200);
    expect(wheel.takeDue(1001)).toEqual(['late']);
  });
});
