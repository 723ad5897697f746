import type { RecommendationList } from '@federa/contracts';
import { parse } from 'yaml';
import { renderRecommendations } from './recommend';

const list: RecommendationList = {
  items: [
    {
      id: 'rec-0123456789abcdef',
      instance: 'shop-catalog-db-1a2b3c',
      service: 'shop',
      app: 'catalog-db',
      from: 'geneva-1',
      to: 'lausanne-2',
      mode: 'cold',
      costPerHour: { before: 1.2, after: 0.4 },
      savingPerHour: 0.8,
      message: 'move shop-catalog-db-1a2b3c from geneva-1 to lausanne-2: 0.80/h less',
    },
  ],
  minSavingPerHour: 0.01,
  savingPerHour: 0.8,
};

describe('federa recommend', () => {
  it('prints each recommendation with its id, sentence, saving and mode, then the total', () => {
    expect(renderRecommendations('table', list).split('\n')).toEqual([
      'ID                    RECOMMENDATION                                                        SAVING/H  MODE',
      'rec-0123456789abcdef  move shop-catalog-db-1a2b3c from geneva-1 to lausanne-2: 0.80/h less  0.80      cold',
      '',
      '1 move would save 0.80/h; apply one with: federa recommend apply ID',
    ]);
  });

  it('adds the costs before and after with -o wide', () => {
    expect(renderRecommendations('wide', list).split('\n')[0]).toMatch(
      /MODE\s+BEFORE\/H\s+AFTER\/H$/,
    );
  });

  it('says when nothing is worth moving', () => {
    expect(renderRecommendations('table', { ...list, items: [], savingPerHour: 0 })).toBe(
      'No cheaper placement saves at least 0.01/h now.',
    );
  });

  it('prints the whole answer as JSON with -o json and as YAML with -o yaml', () => {
    expect(JSON.parse(renderRecommendations('json', list))).toEqual(list);
    expect(parse(renderRecommendations('yaml', list))).toEqual(list);
  });
});
