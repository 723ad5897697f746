import { UsageError } from '../exit-code';
import { expiresInOf } from './token';

describe('federa token create --expires', () => {
  it('passes a duration on as the gateway reads it', () => {
    expect(expiresInOf('90s')).toBe('90s');
    expect(expiresInOf('1h30m')).toBe('90m');
    expect(expiresInOf('30d')).toBe('30d');
  });

  it('refuses what the gateway would refuse, naming --expires', () => {
    for (const text of ['1500ms', '500ms', 'soon', '3651d']) {
      expect(() => expiresInOf(text)).toThrow(UsageError);
      expect(() => expiresInOf(text)).toThrow(/--expires/);
    }
  });
});
