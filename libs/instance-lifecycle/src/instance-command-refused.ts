import { ErrorCodes, FederaError } from '@federa/contracts';
import type { InstanceLife } from './instance-life';

/**
 * The command does not apply to the instance as the log now has it (a placement for an instance
 * stopped meanwhile, a start on another host): the caller drops its decision and undoes what it
 * reserved for it. Retrying it unchanged would be refused again.
 */
export class InstanceCommandRefused extends FederaError {
  constructor(
    readonly command: string,
    readonly life: Pick<InstanceLife, 'instance' | 'status' | 'host'>,
    why: string,
  ) {
    super(
      ErrorCodes.conflict,
      `instance ${life.instance || '(new)'} is ${life.status}${life.host ? ` on ${life.host}` : ''}: ${command} refused, ${why}`,
    );
    this.name = 'InstanceCommandRefused';
  }
}
