// Loaded with `node --require` into one process whose wall clock must be wrong: Date.now() and
// new Date() run FEDERA_TEST_CLOCK_SKEW_MS ahead (or behind, when negative). Monotonic clocks
// (performance.now, process.hrtime) are left alone, as a host with a wrong wall clock has them:
// timers still fire on time, only the dates the process writes are off.
'use strict';

const skew = Number(process.env.FEDERA_TEST_CLOCK_SKEW_MS ?? '0');
if (!Number.isFinite(skew)) {
  throw new Error('FEDERA_TEST_CLOCK_SKEW_MS: must be a number of milliseconds');
}

const RealDate = Date;
const skewedNow = () => RealDate.now() + skew;

// A function, not a class: `Date()` called without `new` must answer a string, as it does.
function SkewedDate(...args) {
  if (!new.target) return new RealDate(skewedNow()).toString();
  return args.length === 0 ? new RealDate(skewedNow()) : new RealDate(...args);
}
SkewedDate.prototype = RealDate.prototype;
SkewedDate.now = skewedNow;
SkewedDate.parse = RealDate.parse;
SkewedDate.UTC = RealDate.UTC;
Object.defineProperty(SkewedDate, Symbol.hasInstance, {
  value: (value) => value instanceof RealDate,
});
globalThis.Date = SkewedDate;
