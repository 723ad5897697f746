import { findLogHead } from './log-head';

describe('finding the head of the event log', () => {
  const logEndingAt = (head: number) => {
    const asked: number[] = [];
    const eventsAfter = async (position: number) => {
      asked.push(position);
      return position < head;
    };
    return { eventsAfter, asked };
  };

  it('answers 0 for an empty log', async () => {
    expect(await findLogHead(logEndingAt(0).eventsAfter)).toBe(0);
  });

  it.each([1, 2, 3, 50, 1024, 1025, 999_999])(
    'finds the last position of a log of %i',
    async (head) => {
      expect(await findLogHead(logEndingAt(head).eventsAfter)).toBe(head);
    },
  );

  it('asks about 2·log2 of the head times, not once per event', async () => {
    const log = logEndingAt(1_000_000);
    await findLogHead(log.eventsAfter);
    expect(log.asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1_000_000)) + 2);
  });
});
