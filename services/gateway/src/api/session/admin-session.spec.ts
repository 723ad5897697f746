import { adminSessionStands, adminTokenHashOf } from './admin-session';

describe('adminSessionStands', () => {
  const opened = adminTokenHashOf('fgt_admin-one');

  it('keeps an admin session while FEDERA_API_TOKEN is the token it was opened with', () => {
    expect(adminSessionStands(opened, 'fgt_admin-one')).toBe(true);
  });

  it('refuses an admin session once FEDERA_API_TOKEN was rotated', () => {
    expect(adminSessionStands(opened, 'fgt_admin-two')).toBe(false);
  });

  it('refuses an admin session once FEDERA_API_TOKEN is unset', () => {
    expect(adminSessionStands(opened, undefined)).toBe(false);
    expect(adminSessionStands(opened, '')).toBe(false);
  });

  it('refuses an admin session stored without a hash (opened before sessions kept one)', () => {
    expect(adminSessionStands(null, 'fgt_admin-one')).toBe(false);
  });

  it('refuses a stored value that is no sha256 rather than comparing it', () => {
    expect(adminSessionStands('not-a-hash', 'fgt_admin-one')).toBe(false);
  });
});
