import { readDocComments } from './doc-comments';

const source = `
/** A host's power features,
 *  as events carry them. */
export class PowerFlags {
  /** Battery backed. */
  ups: boolean;

  raid: boolean;
}

class Undocumented {}

/** Turns v1 into v2. */
export function upgradeV1(data: unknown): unknown {
  return data;
}
`;

describe('readDocComments', () => {
  const docs = readDocComments([{ fileName: 'power.ts', text: source }]);

  it('reads a class comment flattened to one line', () => {
    expect(docs.get('PowerFlags')?.summary).toBe("A host's power features, as events carry them.");
  });

  it('reads the comments of properties and leaves undocumented ones out', () => {
    expect([...(docs.get('PowerFlags')?.members ?? [])]).toEqual([['ups', 'Battery backed.']]);
  });

  it('knows classes without a comment and functions with one', () => {
    expect(docs.get('Undocumented')?.summary).toBeUndefined();
    expect(docs.get('upgradeV1')?.summary).toBe('Turns v1 into v2.');
  });

  it('keeps the first declaration of a name', () => {
    const twice = readDocComments([
      { fileName: 'a.ts', text: '/** First. */ class Twin {}' },
      { fileName: 'b.ts', text: '/** Second. */ class Twin {}' },
    ]);
    expect(twice.get('Twin')?.summary).toBe('First.');
  });
});
