import { fitHoltWinters, fitHoltWintersByGrid, forecastHoltWinters } from './holt-winters';

describe('additive Holt-Winters', () => {
  // Worked by hand, season 2, α 0.5, β 0.1, γ 0.2 on 10 20 14 24 20 28:
  // init: first season mean 15, second 19 → trend 2, level 15 + 2·½ = 16, season −4, +4.
  // t=2: ŷ 16+2−4 = 14, e 0 → l 18.  t=3: ŷ 18+2+4 = 24, e 0 → l 20.
  // t=4: ŷ 20+2−4 = 18, e 2 → l 22+1 = 23, b 2.2, s0 −3.6.
  // t=5: ŷ 23+2.2+4 = 29.2, e −1.2 → l 25.2−0.6 = 24.6, b 2.08, s1 3.76.
  // σ = √((2² + 1.2²) / (4 − 3)) = √5.44.
  // h=1: 24.6+2.08−3.6 = 23.08, sd σ.  h=2: 24.6+4.16+3.76 = 32.52, sd σ√(1+0.6²).
  // h=3: 24.6+6.24−3.6 = 27.24, sd σ√(1+0.6²+(0.5+0.2+0.2)²) = σ√2.17.
  const handWorked = fitHoltWinters([10, 20, 14, 24, 20, 28], 2, {
    alpha: 0.5,
    beta: 0.1,
    gamma: 0.2,
  });

  it('updates level, trend and season as worked by hand', () => {
    expect(handWorked.level).toBeCloseTo(24.6, 10);
    expect(handWorked.trend).toBeCloseTo(2.08, 10);
    expect(handWorked.season[0]).toBeCloseTo(-3.6, 10);
    expect(handWorked.season[1]).toBeCloseTo(3.76, 10);
    expect(handWorked.residuals.map((e) => Number(e.toFixed(10)))).toEqual([0, 0, 2, -1.2]);
    expect(handWorked.sigma).toBeCloseTo(Math.sqrt(5.44), 10);
  });

  it('forecasts the means and error spreads worked by hand', () => {
    const sigma = Math.sqrt(5.44);
    const steps = forecastHoltWinters(handWorked, 3);
    expect(steps.map((s) => s.mean)).toEqual([
      expect.closeTo(23.08, 10),
      expect.closeTo(32.52, 10),
      expect.closeTo(27.24, 10),
    ]);
    expect(steps.map((s) => s.sd)).toEqual([
      expect.closeTo(sigma, 10),
      expect.closeTo(sigma * Math.sqrt(1.36), 10),
      expect.closeTo(sigma * Math.sqrt(2.17), 10),
    ]);
  });

  it('refuses a series shorter than two seasons', () => {
    expect(() => fitHoltWinters([1, 2, 3], 2, { alpha: 0.5, beta: 0, gamma: 0 })).toThrow(
      /at least 4 points, got 3/,
    );
  });

  it('continues an exact seasonal line exactly with no error spread', () => {
    const series = Array.from({ length: 72 }, (_, t) => 50 + 2 * t + (t % 24 < 12 ? 10 : -10));
    const model = fitHoltWintersByGrid(series, 24);
    const steps = forecastHoltWinters(model, 30);
    steps.forEach(({ h, mean, sd }) => {
      const t = 71 + h;
      expect(mean).toBeCloseTo(50 + 2 * t + (t % 24 < 12 ? 10 : -10), 6);
      expect(sd).toBeCloseTo(0, 6);
    });
  });
});
