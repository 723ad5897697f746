import { streamCategory } from './envelope';
import { parseStreamId, streamIds } from './stream-ids';

describe('stream ids', () => {
  it('are category-id, and the category is what streamCategory reads back', () => {
    expect(streamIds.host('mph-1')).toBe('host-mph-1');
    expect(streamIds.service('shop')).toBe('service-shop');
    expect(streamIds.instance('shop-web-1')).toBe('instance-shop-web-1');
    expect(streamIds.migration('m-1')).toBe('migration-m-1');
    expect(streamIds.allocation('mph-1')).toBe('allocation-mph-1');
    expect(streamIds.statistics('shop-web-1')).toBe('statistics-shop-web-1');
    expect(streamIds.forecast('site', 'geneva')).toBe('forecast-site-geneva');
    expect(streamIds.budget('shop')).toBe('budget-shop');
    expect(streamCategory(streamIds.instance('shop-web-1'))).toBe('instance');
  });

  it('parse back into category and id, ids with dashes included', () => {
    expect(parseStreamId('instance-shop-web-1')).toEqual({
      category: 'instance',
      id: 'shop-web-1',
    });
    expect(() => parseStreamId('nodash')).toThrow('not a stream id');
  });
});
