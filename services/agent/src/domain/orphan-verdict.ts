import { isLive } from './instance-states';

/** What the instance table says of the instance a workload found running claims to be. */
export interface TableWord {
  /** The state last saved. */
  state: string;
  /** Whether the layer re-adopted it by the handle the table holds (a process it knows runs it). */
  adoptedByHandle: boolean;
  /** Whether an earlier orphan of it was adopted in this pass. */
  adoptedOrphan: boolean;
}

export type OrphanVerdict = { kind: 'adopt' } | { kind: 'stop'; why: string };

/**
 * What a restarted agent does with a workload of this host it finds running but cannot match to the
 * handle its table holds (an orphan): the process layer's environment names its instance.
 *
 * Adopted only when the table says the instance should run here (a live state) and no process runs
 * it yet: the agent was killed after starting it and before saving its pid. Every other orphan is
 * stopped, never adopted, because "never twice" beats "never down": a workload the table does not
 * know was never reported to run here (a report leaves only once the table holding it is saved), or
 * was reported gone, so the control plane may already run it elsewhere; one of a stopped or failed
 * instance may have a replacement; a second copy of an instance that runs is one too many. A
 * wrongly stopped workload is replaced by supervision; a wrongly adopted one runs twice.
 */
export function orphanVerdict(word: TableWord | undefined): OrphanVerdict {
  if (!word) return { kind: 'stop', why: 'its instance is not in the instance table' };
  if (!isLive(word.state)) return { kind: 'stop', why: `its instance is ${word.state}` };
  if (word.adoptedByHandle || word.adoptedOrphan)
    return { kind: 'stop', why: 'another process runs its instance' };
  return { kind: 'adopt' };
}
