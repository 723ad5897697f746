import { ReportOutbox } from './report-outbox';

describe('ReportOutbox', () => {
  it('keeps reports oldest first until confirmed', () => {
    const outbox = new ReportOutbox<{ seq: number }>(10);
    for (let seq = 1; seq <= 4; seq++) outbox.push({ seq });
    expect(outbox.peek(2)).toEqual([{ seq: 1 }, { seq: 2 }]);
    outbox.confirmThrough(2);
    expect(outbox.peek(10)).toEqual([{ seq: 3 }, { seq: 4 }]);
  });

  it('drops the oldest reports when full and counts them', () => {
    const outbox = new ReportOutbox<{ seq: number }>(3);
    for (let seq = 1; seq <= 5; seq++) outbox.push({ seq });
    expect(outbox.peek(10).map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(outbox.dropped).toBe(2);
  });
});
