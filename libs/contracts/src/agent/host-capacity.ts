import { ResourceAmounts } from '../events/values/resource-amounts';

/** A host's capacity (or usage) in base units: millicores, bytes, bits per second. */
export class HostCapacity extends ResourceAmounts {}
