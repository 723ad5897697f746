import Table from 'cli-table3';
import { stringify } from 'yaml';

/**
 * How a command prints its answer: a table for people (default), the table with a command's extra
 * columns (`-o wide`; the table where it has none), the API's answer as JSON or YAML for machines
 * (`-o json`, `-o yaml`), or one name (the first column: a name or id) per line for scripts
 * (`-o name`).
 */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';
export const outputFormats: OutputFormat[] = ['table', 'wide', 'json', 'yaml', 'name'];

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

/**
 * `data` as the user asked: pretty JSON or YAML of `data`, the first column of each row alone
 * (`name`), or a table of `rows` (`wide`: with `extra` columns).
 */
export function renderOutput<T>(
  format: OutputFormat,
  data: unknown,
  rows: T[],
  columns: Column<T>[],
  extra: Column<T>[] = [],
): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return renderYaml(data);
  if (format === 'name') return rows.map((row) => cell(columns[0].value(row))).join('\n');
  return renderTable(rows, format === 'wide' ? [...columns, ...extra] : columns);
}

/**
 * `data` as a document when the user asked for one (`json`, `yaml`), else undefined: for commands
 * whose people's output is not a table (describe, plan).
 */
export function renderDocument(format: OutputFormat, data: unknown): string | undefined {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return renderYaml(data);
  return undefined;
}

/** `data` as a YAML document, without the trailing newline (the caller ends the line). */
export function renderYaml(data: unknown): string {
  return stringify(data).trimEnd();
}

/** The rows of a table alone, without its header: what `--watch` prints for each change. */
export function renderRows<T>(rows: T[], columns: Column<T>[]): string {
  return renderTable(rows, columns).split('\n').slice(1).join('\n');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
