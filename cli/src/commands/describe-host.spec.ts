import type { ApiClient } from '../api-client';
import { hostMoreLines } from './describe-host';

describe('federa describe host', () => {
  it('adds the instances on the host and its latest events, oldest first, with who and why', async () => {
    const asked: string[] = [];
    const event = (position: number, type: string, data: Record<string, unknown>) => ({
      position,
      streamId: 'host-mph-1',
      type,
      data,
      metadata: { actor: 'token:ops' },
      recordedAt: `2026-12-07T10:0${position}:00.000Z`,
    });
    const api = {
      get: async (path: string) => {
        asked.push(path);
        if (path.startsWith('/v1/instances'))
          return {
            items: [
              {
                id: 'shop-web-1',
                service: 'shop',
                app: 'web',
                host: 'mph-1',
                layer: 'process',
                state: 'healthy',
                since: new Date().toISOString(),
              },
            ],
          };
        const after = new URL(path, 'http://x').searchParams.get('after');
        return after === '0'
          ? {
              items: [
                event(1, 'HostRegistered', {}),
                event(2, 'HostCordoned', { reason: 'new disk' }),
              ],
              next: 2,
            }
          : { items: [], next: 2 };
      },
    } as unknown as ApiClient;
    const lines = (await hostMoreLines(api, 'mph-1')).join('\n');
    expect(lines).toMatch(
      /Instances:\n {2}ID\s+SERVICE\s+APP\s+LAYER\s+STATE\s+AGE\n {2}shop-web-1/,
    );
    expect(lines).toMatch(/History:\n {2}RECORDED\s+EVENT\s+BY\s+WHY\n/);
    expect(lines).toMatch(/HostRegistered\s+token:ops\n.*HostCordoned\s+token:ops\s+new disk$/);
    expect(asked).toEqual([
      '/v1/instances?host=mph-1&limit=500',
      '/v1/events?stream=host-mph-1&after=0&limit=1000',
      '/v1/events?stream=host-mph-1&after=2&limit=1000',
    ]);
  });

  it('still describes the host when what is beside it cannot be read', async () => {
    const api = {
      get: async () => {
        throw new Error('GET answered 500');
      },
    } as unknown as ApiClient;
    expect(await hostMoreLines(api, 'mph-1')).toEqual([
      '',
      'Instances and history: not available (GET answered 500)',
    ]);
  });
});
