import type { QueryResult } from 'pg';
import { scrapeQuery, type ScrapedDatabase } from './scrape-query';

const answered = { rows: [{ one: 1 }] } as unknown as QueryResult;

function database(
  query: ScrapedDatabase['query'],
  waitingCount = 0,
): ScrapedDatabase & { query: jest.Mock } {
  return { query: jest.fn(query), waitingCount } as never;
}

describe('scrapeQuery', () => {
  it('answers what the database answers, telling it the same time limit', async () => {
    const db = database(async () => answered);
    expect(await scrapeQuery(db, { text: 'SELECT 1 AS one' }, 1000)).toBe(answered);
    expect(db.query).toHaveBeenCalledWith({ text: 'SELECT 1 AS one', query_timeout: 1000 });
  });

  it('gives up on a query that never answers, so the scrape goes on without it', async () => {
    const db = database(() => new Promise(() => undefined));
    expect(await scrapeQuery(db, { text: 'SELECT 1' }, 20)).toBeUndefined();
  });

  it('answers nothing for a query that fails', async () => {
    const db = database(async () => {
      throw new Error('connection refused');
    });
    expect(await scrapeQuery(db, { text: 'SELECT 1' }, 1000)).toBeUndefined();
  });

  it('queries while the pool has clients waiting, within the same bound', async () => {
    const db = database(async () => answered, 2);
    expect(await scrapeQuery(db, { text: 'SELECT 1' }, 1000)).toBe(answered);
  });
});
