/**
 * `it` when the machine can run the test, otherwise a skipped test whose reason is printed
 * (never a silent skip: CI's summary counts it).
 */
export function itWhen(reasonToSkip: string | undefined): jest.It {
  if (!reasonToSkip) return it;
  return ((name: string, ...rest: unknown[]) => {
    process.stderr.write(`SKIPPED "${name}": ${reasonToSkip}\n`);
    return (it.skip as (n: string, ...r: unknown[]) => void)(
      `${name} [skipped: ${reasonToSkip}]`,
      ...rest,
    );
  }) as unknown as jest.It;
}
