// The fold is @federa/instance-list's, shared with the gateway, which lists instances from it too.
export {
  evolveInstance,
  isLive,
  liveStates,
  type InstanceEvent,
  type InstanceView,
  type PartitionKeep,
  type PartitionStanding,
} from '@federa/instance-list/domain';
