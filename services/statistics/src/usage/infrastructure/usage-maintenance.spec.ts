import { UsageMaintenance } from './usage-maintenance';

describe('a usage maintenance round', () => {
  it('applies retention and refreshes rollups even when recording the closed hours fails', async () => {
    const done: string[] = [];
    const maintenance = new UsageMaintenance(
      {
        refresh: async () => done.push('rollups'),
        applyRetention: async () => void done.push('retention'),
      },
      {
        recordClosedHours: async () => {
          throw new Error('statistics-shop-web-1 out of step');
        },
      },
      60_000,
    );
    await maintenance.runOnce();
    expect(done).toEqual(['rollups', 'retention']);
  });
});
