import type { InstanceSummary } from '@federa/contracts';
import { instanceColumns } from './commands/get-services';
import { wideInstanceColumns } from './commands/get-instances';
import { renderDocument, renderOutput, renderRows, renderTable } from './render-output';

const columns = [
  { header: 'NAME', value: (r: { name: string; tags?: string[] }) => r.name },
  { header: 'TAGS', value: (r: { name: string; tags?: string[] }) => r.tags },
];

describe('render output', () => {
  it('prints a header line then one line per row, columns aligned', () => {
    const text = renderTable([{ name: 'mph-10', tags: ['a'] }, { name: 'mph-2' }], columns);
    expect(text.split('\n')).toEqual(['NAME    TAGS', 'mph-10  ["a"]', 'mph-2']);
  });

  it("adds a command's extra columns when wide, and prints the plain table where it has none", () => {
    const rows = [{ name: 'mph-1', tags: ['a'] }];
    expect(renderOutput('wide', {}, rows, columns.slice(0, 1), columns.slice(1))).toBe(
      'NAME   TAGS\nmph-1  ["a"]',
    );
    expect(renderOutput('wide', {}, rows, columns.slice(0, 1))).toBe('NAME\nmph-1');
  });

  it('shows where instances answer in the wide list, an IPv6 address in brackets', () => {
    const instance = (id: string, endpoint?: InstanceSummary['endpoint']): InstanceSummary => ({
      id,
      service: 'shop',
      app: 'web',
      host: 'mph-1',
      layer: 'qemu',
      state: 'healthy',
      since: '2026-01-01T00:00:00.000Z',
      revision: 1,
      ...(endpoint ? { endpoint } : {}),
    });
    const rows = [
      instance('shop-web-1', { address: '10.0.0.5', port: 8080, guestAddress: '192.168.76.2' }),
      instance('shop-web-2', { address: 'fd00::5', port: 8081 }),
      instance('shop-web-3'),
    ];
    const lines = renderOutput('wide', {}, rows, instanceColumns, wideInstanceColumns).split('\n');
    expect(lines[0]).toMatch(/ENDPOINT\s+GUEST ADDRESS$/);
    expect(lines[1]).toMatch(/10\.0\.0\.5:8080\s+192\.168\.76\.2$/);
    expect(lines[2]).toMatch(/\[fd00::5\]:8081$/);
    expect(lines[3]).toMatch(/2026-01-01T00:00:00\.000Z$/);
  });

  it('prints the whole answer as JSON when asked', () => {
    const data = { items: [{ name: 'mph-1' }] };
    expect(JSON.parse(renderOutput('json', data, data.items, columns))).toEqual(data);
  });

  it('prints the whole answer as YAML, or the first column alone, one row a line', () => {
    const data = { items: [{ name: 'mph-1' }, { name: 'mph-2', tags: ['a'] }] };
    expect(renderOutput('yaml', data, data.items, columns)).toBe(
      'items:\n  - name: mph-1\n  - name: mph-2\n    tags:\n      - a',
    );
    expect(renderOutput('name', data, data.items, columns)).toBe('mph-1\nmph-2');
  });

  it('prints a document for json and yaml only, and rows without their header', () => {
    expect(renderDocument('json', { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(renderDocument('yaml', { a: 1 })).toBe('a: 1');
    expect(renderDocument('table', { a: 1 })).toBeUndefined();
    expect(renderRows([{ name: 'mph-1', tags: ['a'] }], columns)).toBe('mph-1  ["a"]');
  });
});
