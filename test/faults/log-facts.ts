import { evolveInstance, type InstanceView } from '@federa/instance-list/domain';

/** An event of the log as the checks read it. */
export interface LogEvent {
  position: number;
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** What the operator last asked of a service: the last deploy, stop or delete of its stream. */
export type AskedOf = 'deployed' | 'stopped' | 'deleted';

/** Every instance of the log as its events leave it (the fold supervision and the gateway use). */
export function instancesOf(log: readonly LogEvent[]): Map<string, InstanceView> {
  const views = new Map<string, InstanceView>();
  for (const event of log) {
    if (!event.streamId.startsWith('instance-')) continue;
    const id = event.streamId.slice('instance-'.length);
    const next = evolveInstance(views.get(id), event);
    if (next) views.set(id, next);
  }
  return views;
}

/** Each service's last deploy, stop or delete; a service only defined is left out. */
export function askedOfServices(log: readonly LogEvent[]): Map<string, AskedOf> {
  const asked = new Map<string, AskedOf>();
  for (const event of log) {
    if (!event.streamId.startsWith('service-')) continue;
    const name = event.streamId.slice('service-'.length);
    if (event.type === 'ServiceDeployStarted') asked.set(name, 'deployed');
    else if (event.type === 'ServiceStopStarted') asked.set(name, 'stopped');
    else if (event.type === 'ServiceDeleted') asked.set(name, 'deleted');
  }
  return asked;
}

/** States in which an instance's process may run: started, and not yet told to stop. */
export const mayRun: ReadonlySet<string> = new Set([
  'starting',
  'running',
  'healthy',
  'unhealthy',
  'migrating',
]);

/** States in which an instance's process must run, once things are quiet. */
export const mustRun: ReadonlySet<string> = new Set(['running', 'healthy']);
