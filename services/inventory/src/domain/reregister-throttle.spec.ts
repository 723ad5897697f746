import { ReregisterThrottle } from './reregister-throttle';

describe('re-registration notice throttle', () => {
  it('asks a host once per interval, however often its heartbeats are refused', () => {
    const throttle = new ReregisterThrottle(1000);
    expect(throttle.take('h1', 0)).toBe(true);
    expect(throttle.take('h1', 250)).toBe(false);
    expect(throttle.take('h1', 999)).toBe(false);
    expect(throttle.take('h1', 1000)).toBe(true);
  });

  it('counts each host apart', () => {
    const throttle = new ReregisterThrottle(1000);
    expect(throttle.take('h1', 0)).toBe(true);
    expect(throttle.take('h2', 10)).toBe(true);
    expect(throttle.take('h2', 20)).toBe(false);
  });

  it('forgets hosts asked longer than an interval ago', () => {
    const throttle = new ReregisterThrottle(1000);
    for (let i = 0; i < 100; i++) throttle.take(`h${i}`, i);
    expect(throttle.size).toBe(100);
    throttle.take('late', 5000);
    expect(throttle.size).toBe(1);
  });
});
