import Table from 'cli-table3';

/**
 * How a command prints its answer: a table for people (default), the table with a command's extra
 * columns (`-o wide`; the table where it has none), or JSON for machines (`-o json`).
 */
export type OutputFormat = 'table' | 'wide' | 'json';
export const outputFormats: OutputFormat[] = ['table', 'wide', 'json'];

/** One column of a table: its header and how a row fills it. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** No borders: columns aligned and two spaces apart, as kubectl prints them. */
const borderless = Object.fromEntries(
  [
    'top',
    'top-mid',
    'top-left',
    'top-right',
    'bottom',
    'bottom-mid',
    'bottom-left',
    'bottom-right',
    'left',
    'left-mid',
    'mid',
    'mid-mid',
    'right',
    'right-mid',
    'middle',
  ].map((part) => [part, '']),
);

/** The rows as a table, a header line then one line per row; empty cells for absent values, objects as compact JSON. */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    chars: borderless,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `data` as the user asked: pretty JSON of `data`, or a table of `rows` (`wide`: with `extra` columns). */
export function renderOutput<T>(
  format: OutputFormat,
  data: unknown,
  rows: T[],
  columns: Column<T>[],
  extra: Column<T>[] = [],
): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  return renderTable(rows, format === 'wide' ? [...columns, ...extra] : columns);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
