import { backupKey } from '@federa/contracts';
import type { InstanceView } from './instance-view';
import { mayRestoreFrom } from './restore-source';

type Line = Pick<InstanceView, 'replaces' | 'restoreFrom'>;

describe('which copy a replacement may restore from', () => {
  const ofA = backupKey('shop-db-a', 1_700_000_000_000);

  it('a copy of the instance it replaces', () => {
    const instances = new Map<string, Line>([['shop-db-b', { replaces: 'shop-db-a' }]]);
    expect(mayRestoreFrom(instances, 'shop-db-b', ofA)).toBe(true);
  });

  it('the copy its predecessor started from, when that one died before a copy of its own', () => {
    const instances = new Map<string, Line>([
      ['shop-db-b', { replaces: 'shop-db-a', restoreFrom: ofA }],
      ['shop-db-c', { replaces: 'shop-db-b', restoreFrom: ofA }],
    ]);
    expect(mayRestoreFrom(instances, 'shop-db-c', ofA)).toBe(true);
  });

  it("never another instance's copy, as a dead host's backup index may name one", () => {
    const instances = new Map<string, Line>([
      ['shop-db-b', { replaces: 'shop-db-a' }],
      ['billing-db-1', {}],
    ]);
    expect(mayRestoreFrom(instances, 'shop-db-b', backupKey('billing-db-1', 1))).toBe(false);
    // Nor up a line its predecessor did not start from that copy.
    const line = new Map<string, Line>([
      ['shop-db-b', { replaces: 'shop-db-a', restoreFrom: backupKey('shop-db-0', 5) }],
      ['shop-db-c', { replaces: 'shop-db-b' }],
    ]);
    expect(mayRestoreFrom(line, 'shop-db-c', ofA)).toBe(false);
  });

  it('nothing for an instance that replaces none, or a key that is no copy', () => {
    const instances = new Map<string, Line>([
      ['shop-db-a', {}],
      ['shop-db-b', { replaces: 'shop-db-a' }],
    ]);
    expect(mayRestoreFrom(instances, 'shop-db-a', ofA)).toBe(false);
    expect(mayRestoreFrom(instances, 'shop-db-b', 'backups/shop-db-a/index')).toBe(false);
    expect(mayRestoreFrom(instances, 'unknown', ofA)).toBe(false);
  });

  it('ends on a line of replacements that loops', () => {
    const instances = new Map<string, Line>([
      ['x', { replaces: 'y', restoreFrom: ofA }],
      ['y', { replaces: 'x', restoreFrom: ofA }],
    ]);
    expect(mayRestoreFrom(instances, 'x', ofA)).toBe(false);
  });
});
