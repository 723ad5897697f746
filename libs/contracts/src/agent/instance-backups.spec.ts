import {
  backupIndexWith,
  backupKey,
  backupTimeOf,
  newestBackup,
  type BackupCopy,
} from './instance-backups';

const copy = (at: number): BackupCopy => ({
  key: backupKey('shop-db-1', at),
  at,
  size: 10,
  sha256: 'ab',
});

describe('the backup index', () => {
  it('keeps the newest three copies, newest first, and names the older ones to delete', () => {
    let index = undefined;
    const dropped: BackupCopy[] = [];
    for (const at of [1000, 2000, 3000, 4000, 5000]) {
      const next = backupIndexWith(index, 'shop-db-1', copy(at));
      index = next.index;
      dropped.push(...next.dropped);
    }
    expect(index?.copies.map((c) => c.at)).toEqual([5000, 4000, 3000]);
    expect(dropped.map((c) => c.at)).toEqual([1000, 2000]);
  });

  it('sorts copy keys in time order as text, and reads the time back from a key', () => {
    expect(backupKey('i', 999) < backupKey('i', 1000)).toBe(true);
    expect(backupTimeOf(backupKey('shop-db-1', 1767225650000))).toBe(1767225650000);
    expect(backupTimeOf('backups/shop-db-1/index')).toBeUndefined();
  });

  it('reads the newest copy of an index, and nothing of what is not one', () => {
    const { index } = backupIndexWith(
      backupIndexWith(undefined, 'shop-db-1', copy(1)).index,
      'shop-db-1',
      copy(2),
    );
    expect(newestBackup(index, 'shop-db-1')?.at).toBe(2);
    expect(newestBackup(undefined, 'i')).toBeUndefined();
    expect(newestBackup({ copies: 'no' }, 'i')).toBeUndefined();
    expect(newestBackup({ copies: [{ key: 5 }] }, 'i')).toBeUndefined();
  });

  it("never answers a copy of another instance, whatever the index says: its host's agent wrote it", () => {
    const theirs = { key: backupKey('other-db-1', 9), at: 9, size: 10, sha256: 'ab' };
    const mine = { key: backupKey('shop-db-1', 1), at: 1, size: 10, sha256: 'ab' };
    const index = { version: 1, instance: 'shop-db-1', copies: [theirs, mine] };
    expect(newestBackup(index, 'shop-db-1')).toEqual(mine);
    expect(newestBackup({ ...index, copies: [theirs] }, 'shop-db-1')).toBeUndefined();
    // Nor a key that is no copy's at all (another object of the bucket).
    const index2 = { ...index, copies: [{ ...mine, key: 'backups/shop-db-1/index', at: 10 }] };
    expect(newestBackup(index2, 'shop-db-1')).toBeUndefined();
  });
});
