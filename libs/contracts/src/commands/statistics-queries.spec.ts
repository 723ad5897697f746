import { validateCommand } from './command-registry';

describe('statistics queries', () => {
  it('take the same service names for costs as for usage, refusing what no service can be called', () => {
    for (const command of ['getCosts', 'getUsage'] as const) {
      expect(validateCommand(command, { service: 'shop-2' }).ok).toBe(true);
      for (const service of ['Shop', 'shop.web', 'shop:web', 'shop_web']) {
        const checked = validateCommand(command, { service });
        expect(checked.ok).toBe(false);
        if (!checked.ok) expect(checked.errors.map((e) => e.path)).toEqual(['service']);
      }
    }
  });
});
