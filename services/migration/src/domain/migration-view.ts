import type { MigrationMode, MigrationPhase, MigrationState } from '@federa/contracts';
import type { MigrationSagaState } from './migration-saga';

/** A migration as `GET /v1/migrations/{id}` shows it. */
export interface MigrationView {
  id: string;
  instance: string;
  service: string;
  app: string;
  from: string;
  to: string;
  mode: MigrationMode;
  state: MigrationState;
  phases: { name: MigrationPhase; startedAt: string; endedAt: string | null }[];
  bytesCopied: number | null;
  downtimeMs: number | null;
  /** Why it failed or was rolled back. */
  reason: string | null;
}

/** The saga's state as the API shows it; a rollback in progress is still `running`. */
export function migrationView(state: MigrationSagaState): MigrationView {
  const shown: MigrationState =
    state.status === 'rolling-back' || state.status === 'none' ? 'running' : state.status;
  return {
    id: state.migration,
    instance: state.instance,
    service: state.service,
    app: state.app,
    from: state.from,
    to: state.to,
    mode: state.live ? 'live' : 'cold',
    state: state.status === 'none' ? 'pending' : shown,
    phases: state.phases.map((p) => ({
      name: p.name,
      startedAt: p.startedAt,
      endedAt: p.endedAt ?? null,
    })),
    bytesCopied: state.bytesCopied ?? null,
    downtimeMs: state.downtimeMs ?? null,
    reason: state.reason ?? null,
  };
}
