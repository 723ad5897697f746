import { renderOutput, renderTable } from './render-output';

const columns = [
  { header: 'NAME', value: (r: { name: string; tags?: string[] }) => r.name },
  { header: 'TAGS', value: (r: { name: string; tags?: string[] }) => r.tags },
];

describe('render output', () => {
  it('prints a header line then one line per row, columns aligned', () => {
    const text = renderTable([{ name: 'mph-10', tags: ['a'] }, { name: 'mph-2' }], columns);
    expect(text.split('\n')).toEqual(['NAME    TAGS', 'mph-10  ["a"]', 'mph-2']);
  });

  it('prints the whole answer as JSON when asked', () => {
    const data = { items: [{ name: 'mph-1' }] };
    expect(JSON.parse(renderOutput('json', data, data.items, columns))).toEqual(data);
  });
});
