import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamCategories } from '@federa/contracts';

// docs/INTEGRATING.md and the event catalogue are what a platform team builds a consumer from: they
// must name every category it will receive and must not promise an order positions do not have.

const doc = (path: string) => readFileSync(join(__dirname, '..', 'docs', path), 'utf8');

describe('the integration guide', () => {
  it('names every stream category among the subjects a consumer receives', () => {
    const subjectsRow = doc('INTEGRATING.md')
      .split('\n')
      .find((line) => line.startsWith('| subjects |'));
    expect(subjectsRow).toBeDefined();
    const missing = StreamCategories.filter(
      (category) => !subjectsRow!.includes(`\`${category}\``),
    );
    expect(missing).toEqual([]);
  });

  it('and the event catalogue agree that positions are not monotonic in delivery order', () => {
    const envelope = doc('reference/events.md')
      .split('\n')
      .find((line) => line.startsWith('| `position` |'));
    expect(envelope).toContain('not monotonic');
    expect(envelope).not.toMatch(/increases/);
    expect(doc('INTEGRATING.md')).toContain('**unique but not\nmonotonic**');
  });
});
