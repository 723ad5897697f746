/** What one dependency answered to a readiness probe. */
export interface DependencyStatus {
  dependency: string;
  up: boolean;
  /** Why it is considered down. */
  reason?: string;
}

/** Ready when every dependency is up; the ones that are not are named. */
export function readiness(statuses: DependencyStatus[]): {
  ready: boolean;
  down: DependencyStatus[];
} {
  const down = statuses.filter((s) => !s.up);
  return { ready: down.length === 0, down };
}

/** Runs `probe` and reports it down when it throws or takes longer than `timeoutMs`. */
export async function probeWithin(
  dependency: string,
  timeoutMs: number,
  probe: () => Promise<unknown>,
): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { dependency, up: true };
  } catch (error) {
    return {
      dependency,
      up: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
