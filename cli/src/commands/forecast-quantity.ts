const GIB = 1024 ** 3;

/** A forecast quantity in the unit a person reads: cores, GiB/TiB, Mbit/s or Gbit/s, a percentage. */
export function formatQuantity(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '';
  switch (unit) {
    case 'millicores':
      return `${(value / 1000).toFixed(2)} cores`;
    case 'bytes':
      return value >= 1024 * GIB
        ? `${(value / (1024 * GIB)).toFixed(2)} TiB`
        : `${(value / GIB).toFixed(1)} GiB`;
    case 'bits/s':
      return value >= 1e9
        ? `${(value / 1e9).toFixed(2)} Gbit/s`
        : `${(value / 1e6).toFixed(1)} Mbit/s`;
    case 'ratio':
      return `${(value * 100).toFixed(0)} %`;
    default:
      return `${value.toFixed(2)} ${unit}`.trim();
  }
}
