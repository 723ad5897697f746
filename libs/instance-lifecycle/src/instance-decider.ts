import type { Decider } from '@federa/eventstore';
import { decideInstance } from './decide-instance';
import type { InstanceCommand } from './instance-command';
import type { InstanceEvent } from './instance-event';
import { evolveInstanceLife, initialInstanceLife, type InstanceLife } from './instance-life';

/** The one decider of `instance-<id>` streams: every writer appends what it decides. */
export const instanceDecider: Decider<InstanceLife, InstanceCommand, InstanceEvent> = {
  initialState: initialInstanceLife,
  evolve: evolveInstanceLife,
  decide: decideInstance,
};
