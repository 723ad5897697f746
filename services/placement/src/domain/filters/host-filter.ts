import type { DecisionContext } from '../decision-context';
import type { HostEntry } from '../host-entry';
import type { RejectionReason } from '../rejection-reason';

/** A hard rule: a host either may take the instance, or is rejected for one named reason. */
export interface HostFilter {
  readonly name: string;
  /**
   * true when the answer depends only on the host's class (see `hostClassKey`) and the request,
   * so the stack may compute it once per class.
   */
  readonly byClass: boolean;
  /** undefined when the host passes; otherwise why it cannot take the instance. */
  reject(host: HostEntry, context: DecisionContext): RejectionReason | undefined;
}
