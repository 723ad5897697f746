import type { ForecastView } from '@federa/contracts';
import { formatQuantity } from './forecast-quantity';

/** How big the chart is drawn, in characters. */
export interface ChartSize {
  /** Columns of the plot, without the axis labels. @default 72 */
  width?: number;
  /** Rows of the plot. @default 12 */
  height?: number;
}

const OBSERVED = '·';
const MEAN = '*';
const BAND = '░';
const CAPACITY = '─';

interface Column {
  observed?: number;
  mean?: number;
  lower?: number;
  upper?: number;
}

/**
 * A small terminal chart of one forecast: the last days observed, then the mean forecast inside its
 * 80 % interval band, against the capacity line; one column per bucket of hours. Empty when the view
 * has no series (a forecast asked for without `series=true`, or too little history).
 */
export function forecastChart(view: ForecastView, size: ChartSize = {}): string {
  const width = size.width ?? 72;
  const height = size.height ?? 12;
  const history = view.history ?? [];
  const points = view.points ?? [];
  if (points.length === 0) return '';
  const hours = history.length + points.length;
  const perColumn = Math.max(1, Math.ceil(hours / width));
  const columns: Column[] = [];
  for (let start = 0; start < hours; start += perColumn) {
    const column: Column = {};
    const observed = history.slice(start, Math.min(start + perColumn, history.length));
    if (observed.length > 0) column.observed = average(observed.map((p) => p.value));
    const from = Math.max(0, start - history.length);
    const ahead = points.slice(from, Math.max(from, start + perColumn - history.length));
    if (ahead.length > 0) {
      column.mean = average(ahead.map((p) => p.mean));
      column.lower = Math.min(...ahead.map((p) => p.lower80));
      column.upper = Math.max(...ahead.map((p) => p.upper80));
    }
    columns.push(column);
  }
  const values = columns.flatMap((c) => [c.observed, c.upper].filter(isNumber));
  const top = Math.max(view.capacity ?? 0, ...values) * 1.05 || 1;
  const rowOf = (value: number) =>
    Math.min(height - 1, Math.max(0, Math.round((value / top) * (height - 1))));
  const grid = Array.from({ length: height }, () => Array<string>(columns.length).fill(' '));
  columns.forEach((column, x) => {
    if (column.lower !== undefined && column.upper !== undefined) {
      for (let y = rowOf(column.lower); y <= rowOf(column.upper); y++) grid[y][x] = BAND;
    }
    if (view.capacity !== null && grid[rowOf(view.capacity)][x] === ' ') {
      grid[rowOf(view.capacity)][x] = CAPACITY;
    }
    if (column.observed !== undefined) grid[rowOf(column.observed)][x] = OBSERVED;
    if (column.mean !== undefined) grid[rowOf(column.mean)][x] = MEAN;
  });
  const labels = grid.map((_, y) =>
    y === height - 1 || y === 0 || y === Math.floor((height - 1) / 2)
      ? formatQuantity((top * y) / (height - 1), view.unit)
      : '',
  );
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const lines = grid
    .map((row, y) => `${labels[y].padStart(labelWidth)} ┤${row.join('')}`)
    .reverse();
  const nowColumn = Math.floor(history.length / perColumn);
  const axis = `${' '.repeat(labelWidth)} └${'─'.repeat(columns.length)}`;
  const first = history[0]?.at ?? points[0].at;
  const last = points[points.length - 1].at;
  const marks = timeMarks(first, last, nowColumn, columns.length, labelWidth + 2);
  const legend = [
    `${OBSERVED} observed`,
    `${MEAN} forecast`,
    `${BAND} 80 % interval`,
    ...(view.capacity !== null
      ? [`${CAPACITY} capacity ${formatQuantity(view.capacity, view.unit)}`]
      : []),
    `${perColumn} h per column`,
  ].join('   ');
  return [...lines, axis, marks, legend].join('\n');
}

/** The first and last hours under the axis ends, `now` under the column where the forecast starts. */
function timeMarks(
  first: string,
  last: string,
  nowColumn: number,
  columns: number,
  indent: number,
): string {
  const start = shortTime(first);
  const end = shortTime(last);
  const line = Array<string>(indent + columns).fill(' ');
  const put = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) line[at + i] = text[i];
  };
  put(indent, start);
  const now = indent + nowColumn;
  if (now >= indent + start.length + 1 && now + 4 < indent + columns - end.length) put(now, 'now');
  put(Math.max(indent + start.length + 1, indent + columns - end.length), end);
  return line.join('').trimEnd();
}

function shortTime(iso: string): string {
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined;
}
