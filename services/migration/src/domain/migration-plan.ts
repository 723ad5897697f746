import type { MigrationPhase } from '@federa/contracts';

/** What decides the order of a migration's phases. */
export interface MigrationShape {
  /** The layer moves the running instance (qemu at both ends). */
  live: boolean;
  /** The application declares `data`. */
  stateful: boolean;
}

/**
 * The phases of a migration, in order. Live: the layer moves the running instance. Cold with data:
 * stop, copy, start (the downtime). Cold without data: make before break — the target starts and is
 * healthy before the source stops, so that the application never has no copy answering.
 */
export function migrationPlan(shape: MigrationShape): readonly MigrationPhase[] {
  if (shape.live) return ['choose-target', 'live-transfer', 'verify', 'release-source'];
  if (shape.stateful) {
    return [
      'choose-target',
      'stop-source',
      'export',
      'import',
      'start-target',
      'verify',
      'release-source',
    ];
  }
  return ['choose-target', 'start-target', 'verify', 'stop-source', 'release-source'];
}
