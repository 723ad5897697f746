import { renderOutput, renderTable } from './render-output';

const columns = [
  { header: 'NAME', value: (r: { name: string; tags?: string[] }) => r.name },
  { header: 'TAGS', value: (r: { name: string; tags?: string[] }) => r.tags },
];

describe('render output', () => {
  it('prints rows as a table under their headers', () => {
    const text = renderTable([{ name: 'mph-1', tags: ['a'] }, { name: 'mph-2' }], columns);
    expect(text).toContain('NAME');
    expect(text).toContain('mph-1');
    expect(text).toContain('["a"]');
    expect(text.split('\n').length).toBeGreaterThan(4);
  });

  it('prints the whole answer as JSON when asked', () => {
    const data = { items: [{ name: 'mph-1' }] };
    expect(JSON.parse(renderOutput('json', data, data.items, columns))).toEqual(data);
  });
});
