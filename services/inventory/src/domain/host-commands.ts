import type { DrainBlockedInstance } from '@federa/contracts';
import type { HostAttributes } from './host-attributes';
import type { DownCause, DownEvidence } from './host-events';

/** What a replacement needs to know of the host that is to take everything: its record's standing. */
export interface ReplacementStanding {
  host: string;
  registered: boolean;
  liveness: 'ready' | 'suspect' | 'down';
  lifecycle: 'active' | 'draining' | 'drained' | 'retired';
  cordoned: boolean;
}

/**
 * What inventory can be asked to do with one host. Liveness commands come from the liveness loop
 * and carry the epoch they were observed under: a command of an older epoch changes nothing.
 */
export type HostCommand =
  | {
      type: 'RegisterHost';
      attributes: HostAttributes;
      agentRunId: string;
      /** The fingerprint of the host key whose signature the registration carried; absent: none. */
      hostKey?: string;
    }
  | { type: 'SuspectHost'; epoch: number; lastHeartbeatAt: string | null; silentForMs: number }
  | {
      type: 'DeclareHostDown';
      epoch: number;
      cause: DownCause;
      evidence: DownEvidence;
      instances: string[];
    }
  | {
      type: 'DeferHostDown';
      epoch: number;
      retryAt: string;
      limitPerMinute: number;
      silentHosts: number;
    }
  | { type: 'RecoverHost'; epoch: number; lastHeartbeatAt: string }
  | { type: 'CordonHost'; reason?: string }
  | { type: 'UncordonHost' }
  | { type: 'DrainHost'; instances: string[]; reason?: string; deadlineAt?: string }
  | {
      type: 'ReplaceHost';
      instances: string[];
      /** The new host as its own stream has it when the command is decided. */
      replacement: ReplacementStanding;
      reason?: string;
      deadlineAt?: string;
    }
  /** The drain runner's report of what cannot move now (the whole list). `drain`: its number. */
  | { type: 'RecordDrainBlocked'; drain: number; blocked: DrainBlockedInstance[] }
  | { type: 'FinishDrain'; drain: number; evacuated: string[]; notRelocatable: string[] }
  | { type: 'TimeOutDrain'; drain: number; evacuated: string[]; remaining: DrainBlockedInstance[] }
  | { type: 'RetireHost'; force: boolean; instances: string[] };
