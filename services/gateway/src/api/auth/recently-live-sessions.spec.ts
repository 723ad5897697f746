import { verifiedTokenMs } from '../../infrastructure/tokens/token-repository';
import { RecentlyLiveSessions } from './recently-live-sessions';

describe('RecentlyLiveSessions', () => {
  it('knows a session found live for as long as a verified token is remembered', () => {
    const sessions = new RecentlyLiveSessions();
    sessions.remember('a', 1000);
    expect(sessions.knows('a', 1000 + verifiedTokenMs - 1)).toBe(true);
    expect(sessions.knows('a', 1000 + verifiedTokenMs)).toBe(false);
  });

  it('knows no session it was never told of', () => {
    expect(new RecentlyLiveSessions().knows('a', 0)).toBe(false);
  });

  it('forgets stale sessions to make room once full, and remembers no more while all are fresh', () => {
    const sessions = new RecentlyLiveSessions();
    for (let i = 0; i < 1000; i++) sessions.remember(`old-${i}`, 0);
    sessions.remember('over', 1);
    expect(sessions.knows('over', 1)).toBe(false);
    sessions.remember('new', verifiedTokenMs);
    expect(sessions.knows('new', verifiedTokenMs)).toBe(true);
    expect(sessions.knows('old-0', verifiedTokenMs)).toBe(false);
  });
});
