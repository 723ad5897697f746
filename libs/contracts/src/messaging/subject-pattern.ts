/**
 * Whether the NATS subject pattern `pattern` (`*` one token, `>` one or more trailing tokens) covers
 * `subject`: as the server matches a subscription or a permission.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const got = subject.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return i === want.length - 1 && got.length > i;
    if (i >= got.length) return false;
    if (want[i] !== '*' && want[i] !== got[i]) return false;
  }
  return got.length === want.length;
}
