import type { InstanceSpecPayload } from '@federa/contracts';
import type { DataTransfer } from '../infrastructure/data/data-transfer';
import type { ReportDraft } from '../domain/report-draft';
import type { InstanceEntry, InstanceTable } from '../instances/instance-table';
import type { InstanceSpec, LayerDriver } from '../layers/layer-driver';

/** What the procedures share: the table they change, the layers they drive, where data goes. */
export interface WorkContext {
  readonly table: InstanceTable;
  layerOf(entry: InstanceEntry): LayerDriver;
  specOf(payload: InstanceSpecPayload): InstanceSpec;
  /** Removes the instance's own directory (data and logs) from this host. */
  discardFiles(instance: string): Promise<void>;
  /** The data bucket; admission refuses data commands while there is none. */
  dataTransfer(): DataTransfer;
  report(draft: ReportDraft): void;
  now(): number;
}

/** A procedure's work on one instance; what it resolves with is the command's `result`. */
export type Procedure = (entry: InstanceEntry) => Promise<Record<string, unknown> | void>;

/** Reports how far a data transfer got. */
export function reportProgress(
  context: WorkContext,
  entry: InstanceEntry,
  command: string,
  detail: string,
): void {
  context.report({
    kind: 'command',
    instance: entry.spec.instance,
    command,
    status: 'progress',
    detail,
  });
}
