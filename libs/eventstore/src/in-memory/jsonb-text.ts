/**
 * A JSON value printed as PostgreSQL's jsonb gives it back: object keys ordered shortest first, then
 * by their bytes (jsonb does not keep the order written), and a NUL character refused as jsonb refuses
 * it (error 22P05). The in-memory store keeps data this way, so that code relying on the order of keys
 * written fails in unit tests as it would against Postgres.
 */
export function jsonbText(value: unknown): string {
  const printed = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string' && v.includes('\u0000')) {
      throw new UnsupportedJsonbText('\\u0000 cannot be converted to text');
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const ordered: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort(byJsonbKeyOrder)) {
      if (key.includes('\u0000'))
        throw new UnsupportedJsonbText('\\u0000 cannot be converted to text');
      ordered[key] = (v as Record<string, unknown>)[key];
    }
    return ordered;
  });
  return printed ?? 'null';
}

/** What Postgres refuses to store in jsonb; the append that carried it records nothing. */
export class UnsupportedJsonbText extends Error {
  readonly code = '22P05';

  constructor(message: string) {
    super(`unsupported Unicode escape sequence: ${message}`);
    this.name = 'UnsupportedJsonbText';
  }
}

function byJsonbKeyOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length - y.length || Buffer.compare(x, y);
}
