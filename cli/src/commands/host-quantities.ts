/** Millicores as people write them: `500m`, `2`, `1.5`. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0
    ? String(millis / 1000)
    : millis < 1000
      ? `${millis}m`
      : (millis / 1000).toFixed(1);
}

/** Bytes in the largest binary unit that keeps one or more whole units: `512Mi`, `1.5Gi`. */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${units[unit]}`;
}

/** Bits per second in decimal units: `100Mbps`, `10Gbps`. */
export function formatBandwidth(bps: number): string {
  const units = ['bps', 'Kbps', 'Mbps', 'Gbps', 'Tbps'];
  let value = bps;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${units[unit]}`;
}
