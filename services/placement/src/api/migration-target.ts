import {
  ErrorCodes,
  FederaError,
  type MigrationTargetAnswer,
  type MigrationTargetQuery,
} from '@federa/contracts';
import { describeRejection } from '../domain/rejection-reason';
import { requestForApplication } from '../domain/request-for-application';
import type { PlacementEngine } from '../engine/placement-engine';

/** Layers that can move a running instance between hosts. */
const liveLayers: ReadonlySet<string> = new Set(['qemu']);

/**
 * Where an instance would move, by the placement rules as they hold now (once placement has read
 * the log as far as the caller, `after`): a non-relocatable
 * application, a `to` that a filter rejects and a cluster without a feasible host are each refused
 * with 409 naming the rule (the filter in `details`). Changes nothing.
 */
export function migrationTarget(
  engine: PlacementEngine,
  query: MigrationTargetQuery,
): MigrationTargetAnswer {
  // A target chosen from a view behind the caller's would not see the room its last moves hold.
  if (query.after !== undefined && engine.foldedUpTo < query.after) {
    throw new FederaError(
      ErrorCodes.unavailable,
      `placement has read the log to position ${engine.foldedUpTo}, not yet ${query.after}: retry`,
      [{ path: 'after', reason: 'placement has not read the log that far yet' }],
    );
  }
  const own = engine.state.allocation(query.instance);
  if (!own) {
    throw new FederaError(ErrorCodes.notFound, `instance ${query.instance} holds no host`);
  }
  const spec = engine.catalog.get(own.service);
  const app = spec?.applications.find((a) => a.name === own.app);
  if (!spec || !app) {
    throw new FederaError(ErrorCodes.notFound, `no spec for ${own.service}/${own.app}`);
  }
  const conflict = (message: string, details: unknown[]) =>
    new FederaError(ErrorCodes.conflict, message, details);
  if (!app.placement.relocatable) {
    throw conflict(
      `${own.service}/${own.app} is not relocatable (placement.relocatable: false): its instances stay on their host`,
      [{ path: 'placement.relocatable', reason: 'relocation-ban', filter: 'relocation-ban' }],
    );
  }
  if (query.to === own.host) {
    throw conflict(`instance ${query.instance} already runs on ${own.host}`, [
      { path: 'to', reason: 'the instance already runs there' },
    ]);
  }
  if (query.to && !engine.state.host(query.to)) {
    throw new FederaError(ErrorCodes.notFound, `no host ${query.to}`, [
      { path: 'to', reason: 'no such host' },
    ]);
  }
  const request = requestForApplication(spec, own.app, query.instance);
  const { candidates, rejected } = engine.stack.relocationCandidates(request, engine.state, {
    exclude: own.host,
    ...(query.to ? { to: query.to } : {}),
  });
  const chosen = candidates[0];
  if (!chosen) {
    const details = rejected.map((r) => ({
      path: 'to',
      host: r.host,
      filter: r.filter,
      reason: `${r.host}: ${r.filter} (${describeRejection(r.filter, 1, request)})`,
    }));
    throw conflict(
      query.to
        ? `${query.to} cannot take ${query.instance}: ${details.map((d) => d.filter).join(', ')}`
        : `no host can take ${query.instance}`,
      details,
    );
  }
  const layersOf = (host: string) => engine.state.host(host)?.layers ?? [];
  return {
    instance: query.instance,
    service: own.service,
    app: own.app,
    layer: app.layer,
    from: own.host,
    to: chosen.host,
    stateful: app.data !== null,
    liveCapable:
      liveLayers.has(app.layer) &&
      layersOf(own.host).includes(app.layer) &&
      layersOf(chosen.host).includes(app.layer),
  };
}
