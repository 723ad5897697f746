/** A table's rows by their key, each row as its columns' values. */
export type KeyedRows = Map<string, Record<string, unknown>>;

/** How long a value may be in a difference's line before it is cut. */
const shownLength = 160;

/**
 * What differs between a table's rows as a service keeps them and as a rebuild from the same log
 * gives them, one line per difference: a row only on one side, or a row whose columns differ (each
 * column named, with both values). Columns in `ignored` are left out (time-of-projection values).
 * JSON values compare as their text, so that key order, which `json` columns keep, counts too.
 */
export function rowDifferences(
  table: string,
  live: KeyedRows,
  rebuilt: KeyedRows,
  ignored: ReadonlySet<string> = new Set(),
): string[] {
  const lines: string[] = [];
  for (const [key, row] of live)
    if (!rebuilt.has(key)) lines.push(`${table} ${key}: live only ${shown(row)}`);
  for (const [key, row] of rebuilt)
    if (!live.has(key)) lines.push(`${table} ${key}: rebuilt only ${shown(row)}`);
  for (const [key, row] of live) {
    const other = rebuilt.get(key);
    if (!other) continue;
    const columns = new Set([...Object.keys(row), ...Object.keys(other)]);
    for (const column of columns) {
      if (ignored.has(column)) continue;
      const [a, b] = [JSON.stringify(row[column]), JSON.stringify(other[column])];
      if (a !== b) lines.push(`${table} ${key}.${column}: live ${cut(a)} != rebuilt ${cut(b)}`);
    }
  }
  return lines;
}

function shown(row: Record<string, unknown>): string {
  return cut(JSON.stringify(row));
}

function cut(text: string | undefined): string {
  if (text === undefined) return 'absent';
  return text.length > shownLength ? `${text.slice(0, shownLength)}…` : text;
}
