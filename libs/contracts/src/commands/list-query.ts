import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { utf8Bytes } from '../spec/spec-limits';

/** The documented paging limits of every list (docs/reference/rest-api.md, "Limits"). */
export const ListLimits = {
  /** Items on a page when `limit` is not given. */
  defaultPageSize: 100,
  /** The largest `limit` a list accepts. */
  maxPageSize: 500,
  /**
   * A page ends early, with `next`, once its answer would pass this many bytes of JSON: half the
   * bus's default max_payload (1 MiB), so that a page of large items still travels.
   */
  maxPageBytes: 512 * 1024,
} as const;

/** Paging shared by list queries: answers carry `next`, passed back as `after`. */
export class ListQuery {
  /** @default 100 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ListLimits.maxPageSize, {
    message: `must not exceed the limit of ${ListLimits.maxPageSize} items per page`,
  })
  limit?: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  after?: string;
}

/**
 * One page of a list read with `limit + 1` rows in key order: at most `limit` items, fewer when the
 * next one would take the answer past `maxBytes` (a first item is always kept, whatever its size),
 * and `next` (the last item's key) whenever more remain.
 */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (item: T) => string,
  maxBytes: number = ListLimits.maxPageBytes,
): { items: T[]; next?: string } {
  const items: T[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, limit)) {
    // Bytes, not string length: the bus limits bytes, and a label in Greek or an emoji takes 2 to 4.
    bytes += utf8Bytes(JSON.stringify(row)) + 1;
    if (items.length > 0 && bytes > maxBytes) break;
    items.push(row);
  }
  const more = items.length < rows.length;
  return more ? { items, next: keyOf(items[items.length - 1]) } : { items };
}
