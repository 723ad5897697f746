import type { InstancePlacedData } from '@federa/contracts';
import { DeciderSpecification } from '@federa/testing';
import { unhealthyFailureReason } from './decide-instance';
import { InstanceCommandRefused } from './instance-command-refused';
import { instanceDecider } from './instance-decider';
import type { InstanceEvent } from './instance-event';
import { evolveInstanceLife, initialInstanceLife, isLive } from './instance-life';

const spec = DeciderSpecification.for(instanceDecider);
const ref = { service: 'shop', app: 'web', instance: 'shop-web-a1b2c3' };
const at = { ...ref, host: 'mph-1' };

const requested: InstanceEvent = {
  type: 'InstanceRequested',
  data: {
    ...ref,
    layer: 'process',
    resources: { cpuMillis: 500, memoryBytes: 134217728, storageBytes: 0, bandwidthBps: 0 },
    revision: 1,
    reason: 'deploy',
  },
};
const placedData = (host = 'mph-1'): InstancePlacedData => ({
  ...ref,
  host,
  layer: 'process',
  resources: { cpuMillis: 500, memoryBytes: 134217728, storageBytes: 0, bandwidthBps: 0 },
  scores: { total: 1, byScorer: {} },
  hostsConsidered: 4,
  hostEpoch: 1,
  costPerHour: 0.1,
});
const placed: InstanceEvent = { type: 'InstancePlaced', data: placedData() };
const starting: InstanceEvent = { type: 'InstanceStarting', data: { ...at, layer: 'process' } };
const running: InstanceEvent = { type: 'InstanceRunning', data: at };
const healthy: InstanceEvent = { type: 'InstanceHealthy', data: at };
const unhealthy: InstanceEvent = {
  type: 'InstanceUnhealthy',
  data: { ...at, reason: 'GET /healthz: 500', consecutiveFailures: 3 },
};
const stopRequested = (reason: 'requested' | 'unhealthy' = 'requested'): InstanceEvent => ({
  type: 'InstanceStopRequested',
  data: { ...at, reason },
});
const stopped: InstanceEvent = { type: 'InstanceStopped', data: { ...at, reason: 'requested' } };
const failed: InstanceEvent = {
  type: 'InstanceFailed',
  data: { ...at, reason: 'exited with 1', restarts: 0 },
};
const lost: InstanceEvent = { type: 'InstanceLost', data: { ...at, reason: 'host mph-1 down' } };
const migrating: InstanceEvent = {
  type: 'InstanceMigrating',
  data: { ...at, migration: 'mig-1', to: 'mph-2' },
};
const observe = (state: string, host = 'mph-1', detail?: string) =>
  ({ type: 'observe', host, state, detail, failureThreshold: 3 }) as const;

describe('the instance decider', () => {
  describe('request', () => {
    it('opens a new stream with InstanceRequested', () => {
      spec
        .given([])
        .when({ type: 'request', data: requested.data as never })
        .then([requested]);
    });

    it('accepts the same request again without a second event (a retried append that landed)', () => {
      spec
        .given([requested])
        .when({ type: 'request', data: requested.data as never })
        .thenNothing();
    });

    it('refuses a request whose id is taken by another application', () => {
      const other = { ...(requested.data as object), app: 'db' };
      spec
        .given([requested])
        .when({ type: 'request', data: other as never })
        .thenThrows(InstanceCommandRefused);
    });

    it('refuses any other command on a stream that was never requested', () => {
      spec
        .given([])
        .when({ type: 'fail', reason: 'x', restarts: 0 })
        .thenThrows(/never requested/);
    });
  });

  describe('placement', () => {
    it('places a pending instance as its first generation', () => {
      spec
        .given([requested])
        .when({ type: 'place', data: placedData() })
        .then([{ type: 'InstancePlaced', data: { ...placedData(), generation: 1 } }]);
    });

    it("carries the request's data age, or its data loss, into the placement", () => {
      const restoring: InstanceEvent = {
        type: 'InstanceRequested',
        data: { ...requested.data, restoreFrom: 'backups/x/1', dataAgeMs: 4200 } as never,
      };
      spec
        .given([restoring])
        .when({ type: 'place', data: placedData() })
        .then([
          { type: 'InstancePlaced', data: { ...placedData(), generation: 1, dataAgeMs: 4200 } },
        ]);
      const empty: InstanceEvent = {
        type: 'InstanceRequested',
        data: { ...requested.data, dataLost: true } as never,
      };
      spec
        .given([empty])
        .when({ type: 'place', data: placedData() })
        .then([
          { type: 'InstancePlaced', data: { ...placedData(), generation: 1, dataLost: true } },
        ]);
      const life = [restoring].reduce(evolveInstanceLife, initialInstanceLife());
      expect(life).toMatchObject({ restoreFrom: 'backups/x/1', dataAgeMs: 4200 });
    });

    it('records that no host fits a pending instance', () => {
      const data = {
        ...ref,
        reasons: [{ filter: 'layer', hosts: 4 }],
        hostsConsidered: 4,
        message: 'no host offers layer process',
      };
      spec
        .given([requested])
        .when({ type: 'fail-placement', data })
        .then([{ type: 'PlacementFailed', data }]);
    });

    it('refuses to place an instance stopped while placement was deciding', () => {
      const stoppedPending: InstanceEvent = {
        type: 'InstanceStopped',
        data: { ...ref, reason: 'service-stopped' },
      };
      spec
        .given([requested, stoppedPending])
        .when({ type: 'place', data: placedData() })
        .thenThrows(InstanceCommandRefused);
    });

    it('accepts a placement on the host it already has, and refuses one elsewhere', () => {
      spec.given([requested, placed]).when({ type: 'place', data: placedData() }).thenNothing();
      spec
        .given([requested, placed])
        .when({ type: 'place', data: placedData('mph-2') })
        .thenThrows(/no longer waits for a host/);
    });

    it('refuses a decision about another instance', () => {
      spec
        .given([requested])
        .when({ type: 'place', data: { ...placedData(), instance: 'shop-web-ffffff' } })
        .thenThrows(InstanceCommandRefused);
    });
  });

  describe('start', () => {
    it('marks a placed instance starting on its host', () => {
      spec
        .given([requested, placed])
        .when({ type: 'start', host: 'mph-1', layer: 'process' })
        .then([starting]);
    });

    it('does nothing for an instance already past starting', () => {
      spec
        .given([requested, placed, starting, running])
        .when({ type: 'start', host: 'mph-1', layer: 'process' })
        .thenNothing();
    });

    it('refuses a start on another host or of an instance that ended', () => {
      spec
        .given([requested, placed])
        .when({ type: 'start', host: 'mph-2', layer: 'process' })
        .thenThrows(/not placed on mph-2/);
      spec
        .given([requested, placed, stopped])
        .when({ type: 'start', host: 'mph-1', layer: 'process' })
        .thenThrows(InstanceCommandRefused);
    });
  });

  describe("an agent's observations", () => {
    it('record running, healthy and unhealthy as they change', () => {
      spec.given([requested, placed, starting]).when(observe('running')).then([running]);
      spec.given([requested, placed, starting, running]).when(observe('healthy')).then([healthy]);
      spec
        .given([requested, placed, starting, running, healthy])
        .when(observe('unhealthy', 'mph-1', 'GET /healthz: 500'))
        .then([unhealthy]);
    });

    it('record nothing for a state the log already has', () => {
      spec
        .given([requested, placed, starting, running, healthy])
        .when(observe('healthy'))
        .thenNothing();
      spec
        .given([requested, placed, starting, running, healthy])
        .when(observe('running'))
        .thenNothing();
    });

    it('are ignored from another host, for a dead instance and while it migrates', () => {
      spec.given([requested, placed, starting]).when(observe('healthy', 'mph-9')).thenNothing();
      spec.given([requested, placed, starting, failed]).when(observe('healthy')).thenNothing();
      spec
        .given([requested, placed, starting, running, migrating])
        .when(observe('failed'))
        .thenNothing();
    });

    it('record an unexpected exit as a failure', () => {
      spec
        .given([requested, placed, starting, running, healthy])
        .when(observe('stopped'))
        .then([
          { type: 'InstanceFailed', data: { ...at, reason: 'stopped unexpectedly', restarts: 0 } },
        ]);
    });

    it('record the end of a requested stop with the reason it was asked for', () => {
      spec
        .given([requested, placed, starting, running, healthy, stopRequested()])
        .when(observe('stopped'))
        .then([stopped]);
    });

    it('record a stop for staying unhealthy as a failure, so that it is replaced', () => {
      spec
        .given([requested, placed, starting, running, unhealthy, stopRequested('unhealthy')])
        .when(observe('stopped'))
        .then([
          { type: 'InstanceFailed', data: { ...at, reason: unhealthyFailureReason, restarts: 0 } },
        ]);
    });

    it('bring a lost instance back when its agent reports it again', () => {
      spec
        .given([requested, placed, starting, running, healthy, lost])
        .when(observe('healthy'))
        .then([healthy]);
      spec
        .given([requested, placed, starting, running, lost])
        .when(observe('running'))
        .then([running]);
    });

    it('record a lost instance starting again when its returning agent holds it starting', () => {
      spec
        .given([requested, placed, starting, running, healthy, lost])
        .when(observe('starting'))
        .then([starting]);
      spec
        .given([requested, placed, starting, running, healthy, lost, starting])
        .when(observe('starting'))
        .thenNothing();
    });

    it('record a lost instance stopping again, for the stop the log asked, when its agent is still stopping it', () => {
      const scaleIn: InstanceEvent = {
        type: 'InstanceStopRequested',
        data: { ...at, reason: 'scale-in' },
      };
      spec
        .given([requested, placed, starting, running, scaleIn, lost])
        .when(observe('stopping'))
        .then([scaleIn]);
    });

    it('end a lost instance whose stop was asked as that stop when its agent reports it ended', () => {
      const scaleIn: InstanceEvent = {
        type: 'InstanceStopRequested',
        data: { ...at, reason: 'scale-in' },
      };
      spec
        .given([requested, placed, starting, running, scaleIn, lost])
        .when(observe('stopped'))
        .then([{ type: 'InstanceStopped', data: { ...at, reason: 'scale-in' } }]);
      spec
        .given([requested, placed, starting, running, stopRequested('unhealthy'), lost])
        .when(observe('stopped'))
        .then([
          {
            type: 'InstanceFailed',
            data: { ...at, reason: unhealthyFailureReason, restarts: 0 },
          },
        ]);
    });

    it('keep lost an instance its agent holds in a state the log has no event for', () => {
      const held = [requested, placed, starting, running, healthy, lost];
      // No migration in the log to record it moving; `paused` is no state of the log.
      spec.given(held).when(observe('migrating')).thenNothing();
      spec.given(held).when(observe('paused')).thenNothing();
      // A stop the log never asked for has no reason to record: its end will be an unexpected one.
      spec.given(held).when(observe('stopping')).thenNothing();
    });

    it('record nothing of a lost instance that another host reports starting', () => {
      spec
        .given([requested, placed, starting, running, lost])
        .when(observe('starting', 'mph-2'))
        .thenNothing();
    });

    it('record the endpoint the agent names in InstanceRunning, once', () => {
      const endpoint = { address: '10.0.0.1', port: 8080 };
      const runningAt = (e: typeof endpoint): InstanceEvent => ({
        type: 'InstanceRunning',
        data: { ...at, endpoint: e },
      });
      spec
        .given([requested, placed, starting])
        .when({ ...observe('running'), endpoint })
        .then([runningAt(endpoint)]);
      spec
        .given([requested, placed, starting, runningAt(endpoint), healthy])
        .when({ ...observe('healthy'), endpoint })
        .thenNothing();
    });

    it('record running with the endpoint before healthy when the first word is healthy', () => {
      const endpoint = { address: '10.0.0.1', port: 8080 };
      spec
        .given([requested, placed, starting])
        .when({ ...observe('healthy'), endpoint })
        .then([{ type: 'InstanceRunning', data: { ...at, endpoint } }, healthy]);
    });

    it('record a new endpoint of a running instance (its layer ran it again on another port)', () => {
      const before = { address: '10.0.0.1', port: 8080 };
      const after = { address: '10.0.0.1', port: 8099 };
      const runningAt = (e: typeof before): InstanceEvent => ({
        type: 'InstanceRunning',
        data: { ...at, endpoint: e },
      });
      spec
        .given([requested, placed, starting, runningAt(before), healthy])
        .when({ ...observe('healthy'), endpoint: after })
        .then([runningAt(after), healthy]);
      spec
        .given([requested, placed, starting, runningAt(before), healthy, stopRequested()])
        .when({ ...observe('healthy'), endpoint: after })
        .thenNothing();
    });

    it('ignore a stop report for an instance not started yet (an earlier run on that host)', () => {
      spec.given([requested, placed]).when(observe('stopped')).thenNothing();
    });
  });

  describe('stop', () => {
    it('ends at once an instance that runs nowhere yet', () => {
      spec
        .given([requested])
        .when({ type: 'request-stop', reason: 'service-stopped' })
        .then([{ type: 'InstanceStopped', data: { ...ref, reason: 'service-stopped' } }]);
      spec
        .given([requested, placed])
        .when({ type: 'request-stop', reason: 'scale-in' })
        .then([{ type: 'InstanceStopped', data: { ...at, reason: 'scale-in' } }]);
    });

    it('asks the agent to stop one that may run', () => {
      spec
        .given([requested, placed, starting])
        .when({ type: 'request-stop', reason: 'requested' })
        .then([stopRequested()]);
    });

    it('is not asked twice, and an ended instance needs no stop', () => {
      spec
        .given([requested, placed, starting, stopRequested()])
        .when({ type: 'request-stop', reason: 'requested' })
        .thenNothing();
      spec
        .given([requested, placed, starting, failed])
        .when({ type: 'request-stop', reason: 'requested' })
        .thenNothing();
    });

    it('records an instance that no longer runs, once', () => {
      spec
        .given([requested, placed, starting, running, lost])
        .when({ type: 'record-stopped', reason: 'host-down' })
        .then([{ type: 'InstanceStopped', data: { ...at, reason: 'host-down' } }]);
      spec
        .given([requested, placed, starting, stopped])
        .when({ type: 'record-stopped', reason: 'host-down' })
        .thenNothing();
    });
  });

  describe('failure and loss', () => {
    it('fails a live instance once', () => {
      const command = { type: 'fail', reason: 'host mph-1 down', restarts: 0 } as const;
      spec
        .given([requested, placed, starting, running])
        .when(command)
        .then([
          { type: 'InstanceFailed', data: { ...at, reason: 'host mph-1 down', restarts: 0 } },
        ]);
      spec.given([requested, placed, starting, running, failed]).when(command).thenNothing();
    });

    it('records the cause of a failure that is its host’s, not its application’s', () => {
      spec
        .given([requested, placed, starting, running])
        .when({ type: 'fail', reason: 'host mph-1 down', cause: 'host-down', restarts: 0 })
        .then([
          {
            type: 'InstanceFailed',
            data: { ...at, reason: 'host mph-1 down', cause: 'host-down', restarts: 0 },
          },
        ]);
    });

    it('fails a lost instance whose host came back without it, its host to blame', () => {
      spec
        .given([requested, placed, starting, running, lost])
        .when({ type: 'fail-lost', host: 'mph-1', reason: 'its agent came back without it' })
        .then([
          {
            type: 'InstanceFailed',
            data: {
              ...at,
              reason: 'its agent came back without it',
              cause: 'host-down',
              restarts: 0,
            },
          },
        ]);
    });

    it('refuses to fail as lost an instance its agent reported again meanwhile', () => {
      const command = { type: 'fail-lost', host: 'mph-1', reason: 'came back without it' } as const;
      spec
        .given([requested, placed, starting, running, lost, healthy])
        .when(command)
        .thenThrows(/no longer lost on mph-1/);
      spec
        .given([requested, placed, starting, running, lost, starting])
        .when(command)
        .thenThrows(/no longer lost on mph-1/);
      spec
        .given([requested, placed, starting, running, stopRequested(), lost, stopRequested()])
        .when(command)
        .thenThrows(/no longer lost on mph-1/);
      spec
        .given([requested, placed, starting, running, lost, failed])
        .when(command)
        .thenThrows(InstanceCommandRefused);
      spec
        .given([requested, placed, starting, running, lost])
        .when({ ...command, host: 'mph-2' })
        .thenThrows(InstanceCommandRefused);
    });

    it('marks an instance on an unreachable host lost, once', () => {
      spec
        .given([requested, placed, starting, running, healthy])
        .when({ type: 'mark-lost', reason: 'host mph-1 down' })
        .then([lost]);
      spec
        .given([requested, placed, starting, running, healthy, lost])
        .when({ type: 'mark-lost', reason: 'host mph-1 down' })
        .thenNothing();
    });

    it('leaves an instance not yet known to run as it is, so that its start goes out again', () => {
      spec
        .given([requested, placed])
        .when({ type: 'mark-lost', reason: 'host mph-1 down' })
        .thenNothing();
      spec
        .given([requested, placed, starting])
        .when({ type: 'mark-lost', reason: 'host mph-1 down' })
        .thenNothing();
    });

    it('cannot lose an instance that has no host', () => {
      spec
        .given([requested])
        .when({ type: 'mark-lost', reason: 'host down' })
        .thenThrows(/no host to lose/);
    });
  });

  describe('migration', () => {
    it('moves a running instance and records where it now runs', () => {
      spec
        .given([requested, placed, starting, running, healthy])
        .when({ type: 'begin-migration', migration: 'mig-1', to: 'mph-2' })
        .then([migrating]);
      spec
        .given([requested, placed, starting, running, migrating])
        .when({ type: 'complete-migration', migration: 'mig-1', host: 'mph-2' })
        .then([
          {
            type: 'InstanceRelocated',
            data: { ...ref, host: 'mph-2', migration: 'mig-1', from: 'mph-1' },
          },
        ]);
    });

    it('refuses to move an instance that is not running, or onto its own host', () => {
      spec
        .given([requested, placed])
        .when({ type: 'begin-migration', migration: 'mig-1', to: 'mph-2' })
        .thenThrows(/only a running instance/);
      spec
        .given([requested, placed, starting, running])
        .when({ type: 'begin-migration', migration: 'mig-1', to: 'mph-1' })
        .thenThrows(/already runs on mph-1/);
    });

    it('refuses to complete another migration', () => {
      spec
        .given([requested, placed, starting, running, migrating])
        .when({ type: 'complete-migration', migration: 'mig-2', host: 'mph-2' })
        .thenThrows(InstanceCommandRefused);
    });

    it('records a rolled-back move as aborted, the instance running on its source again', () => {
      const aborted: InstanceEvent = {
        type: 'InstanceMigrationAborted',
        data: { ...ref, host: 'mph-1', migration: 'mig-1', reason: 'import: target gone' },
      };
      spec
        .given([requested, placed, starting, running, migrating])
        .when({ type: 'abort-migration', migration: 'mig-1', reason: 'import: target gone' })
        .then([aborted]);
      const life = [requested, placed, starting, running, migrating, aborted].reduce(
        evolveInstanceLife,
        initialInstanceLife(),
      );
      expect(life).toMatchObject({ status: 'running', host: 'mph-1', generation: 2 });
      expect(life.migration).toBeUndefined();
    });

    it('aborts once: an instance no longer moving has nothing to give up', () => {
      spec
        .given([
          requested,
          placed,
          starting,
          running,
          migrating,
          {
            type: 'InstanceMigrationAborted',
            data: { ...ref, host: 'mph-1', migration: 'mig-1', reason: 'x' },
          },
        ])
        .when({ type: 'abort-migration', migration: 'mig-1', reason: 'x' })
        .then([]);
    });

    it('refuses to abort another migration than the one moving it', () => {
      spec
        .given([requested, placed, starting, running, migrating])
        .when({ type: 'abort-migration', migration: 'mig-2', reason: 'x' })
        .thenThrows(/mig-2 is not moving it/);
    });
  });

  describe('the fold', () => {
    it('keeps an ended instance ended whatever a late writer appended after', () => {
      const life = [requested, placed, starting, failed, healthy].reduce(
        evolveInstanceLife,
        initialInstanceLife(),
      );
      expect(life).toMatchObject({ status: 'failed', host: 'mph-1', reason: 'exited with 1' });
      expect(isLive(life.status)).toBe(false);
    });

    it('counts a lost instance as live: it may still run', () => {
      expect(isLive('lost')).toBe(true);
      expect(isLive('stopping')).toBe(true);
      expect(isLive('absent')).toBe(false);
    });

    it('reads a verified relocation as healthy on its new host, so that a report of that health is not news', () => {
      const verified: InstanceEvent = {
        type: 'InstanceRelocated',
        data: { ...ref, host: 'mph-2', migration: 'mig-1', from: 'mph-1', verified: true },
      };
      const moved = [requested, placed, starting, running, healthy, migrating, verified];
      expect(moved.reduce(evolveInstanceLife, initialInstanceLife()).status).toBe('healthy');
      spec.given(moved).when(observe('healthy', 'mph-2')).then([]);
    });

    it('reads a placement written before generations as generation 1, and a relocation as the next', () => {
      const relocated: InstanceEvent = {
        type: 'InstanceRelocated',
        data: { ...ref, host: 'mph-2', migration: 'mig-1', from: 'mph-1' },
      };
      const fold = (events: InstanceEvent[]) =>
        events.reduce(evolveInstanceLife, initialInstanceLife());
      expect(fold([requested, placed]).generation).toBe(1);
      expect(fold([requested, placed, starting, running, migrating, relocated]).generation).toBe(2);
      const third: InstanceEvent = {
        type: 'InstancePlaced',
        data: { ...placedData(), generation: 3 },
      };
      expect(fold([requested, third]).generation).toBe(3);
    });

    it('leaves the instance as it was for an event type this build does not know', () => {
      const before = [requested, placed].reduce(evolveInstanceLife, initialInstanceLife());
      const after = evolveInstanceLife(before, { type: 'InstanceTeleported', data: {} } as never);
      expect(after).toBe(before);
    });
  });
});
