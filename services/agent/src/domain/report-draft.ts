import type { AgentReport } from '@federa/contracts';

/** A report before the channel stamps it with host, epoch, run id, sequence and send time. */
export type ReportDraft = Omit<AgentReport, 'host' | 'epoch' | 'runId' | 'seq' | 'sentAt'>;
