import type { HostAttributes } from './host-attributes';
import type { DownCause, DownEvidence } from './host-events';

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
  | { type: 'DrainHost'; instances: string[]; reason?: string }
  | { type: 'RetireHost'; force: boolean; instances: string[] };
