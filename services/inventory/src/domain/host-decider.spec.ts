import { currentSchemaVersion, FederaError, validateEvent } from '@federa/contracts';
import { DeciderSpecification } from '@federa/testing';
import type { HostAttributes } from './host-attributes';
import type { HostCommand, ReplacementStanding } from './host-commands';
import { hostDecider, publicHostState } from './host-decider';
import type { HostEvent } from './host-events';

const host = 'mph-1';
const attributes: HostAttributes = {
  site: 'geneva',
  layers: ['process', 'qemu'],
  capacity: {
    cpuMillis: 8000,
    memoryBytes: 32 * 2 ** 30,
    storageBytes: 500 * 2 ** 30,
    bandwidthBps: 1e10,
  },
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  securityLevel: 3,
  features: { ups: true, raid: false },
  labels: { rack: 'r1' },
};

/** Every event the decider produces, in every case below, is one the contracts registry accepts. */
function acceptedByTheContract(event: HostEvent): void {
  const errors = validateEvent(event.type, currentSchemaVersion(event.type)!, event.data);
  expect([event.type, errors]).toEqual([event.type, []]);
}

const spec = DeciderSpecification.for(hostDecider(host), { checkEvent: acceptedByTheContract });

const keyA = 'sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const keyB = 'sha256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const registered = (
  agentRunId = 'run-a',
  epoch = 1,
  told = attributes,
  hostKey?: string,
): HostEvent => ({
  type: 'HostRegistered',
  data: { host, epoch, ...told, agentRunId, ...(hostKey ? { hostKey } : {}) },
});
const reRegistered = (
  agentRunId: string,
  epoch = 2,
  from: 'ready' | 'suspect' | 'down' = 'ready',
) =>
  ({
    type: 'HostRecovered',
    data: { host, epoch, reason: 're-registered', from, agentRunId },
  }) satisfies HostEvent;
const suspected: HostEvent = { type: 'HostSuspected', data: { host, silentForMs: 2000 } };
const evidence = { checkedAt: '2025-01-01T00:00:03.000Z', leaseTtlMs: 3000 };
const down: HostEvent = {
  type: 'HostDown',
  data: {
    host,
    reason: 'no heartbeat and no lease renewed within 3000 ms: the host is dead',
    instances: ['i-1'],
    cause: 'dead',
    evidence,
  },
};
const heartbeatAt = '2025-01-01T00:00:09.000Z';
const recovered: HostEvent = {
  type: 'HostRecovered',
  data: { host, epoch: 1, from: 'suspect', reason: 'heartbeat', lastHeartbeatAt: heartbeatAt },
};
const retryAt = '2025-01-01T00:01:00.000Z';
const deferDown = {
  type: 'DeferHostDown',
  epoch: 1,
  retryAt,
  limitPerMinute: 1,
  silentHosts: 3,
} as const;
const downDeferred: HostEvent = {
  type: 'HostDownRateLimited',
  data: { host, site: 'geneva', limit: 1, silentHosts: 3, retryAt },
};
const cordoned: HostEvent = { type: 'HostCordoned', data: { host, reason: 'maintenance' } };
const uncordoned: HostEvent = { type: 'HostUncordoned', data: { host } };
const retired: HostEvent = { type: 'HostRetired', data: { host, forced: false } };

const withCode = (code: string) => (error: unknown) =>
  error instanceof FederaError && error.code === code;

describe('host decider', () => {
  it('registers a new host at epoch 1 with everything the agent told', () => {
    spec
      .given([])
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-a' })
      .then([registered('run-a')])
      .andState((record) => {
        expect(record.epoch).toBe(1);
        expect(publicHostState(record)).toBe('ready');
      });
  });

  it('bumps the epoch and records a recovery when the agent registers again after a restart', () => {
    spec
      .given([registered('run-a')])
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b' })
      .then([reRegistered('run-b')])
      .andState((record) => expect(record.epoch).toBe(2));
  });

  it('changes nothing when the same agent run retries its registration', () => {
    spec
      .given([registered('run-a')])
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-a' })
      .thenNothing()
      .andState((record) => expect(record.epoch).toBe(1));
  });

  it('records the new description when a restarted agent registers other layers or costs', () => {
    const changed: HostAttributes = { ...attributes, layers: ['process'] };
    spec
      .given([registered('run-a')])
      .when({ type: 'RegisterHost', attributes: changed, agentRunId: 'run-b' })
      .then([registered('run-b', 2, changed), reRegistered('run-b')])
      .andState((record) => expect(record.attributes?.layers).toEqual(['process']));
  });

  it('records a capacity change when a re-registering host reports other capacity', () => {
    const bigger = { ...attributes, capacity: { ...attributes.capacity, cpuMillis: 16000 } };
    spec
      .given([registered('run-a')])
      .when({ type: 'RegisterHost', attributes: bigger, agentRunId: 'run-b' })
      .then([
        reRegistered('run-b'),
        { type: 'HostCapacityChanged', data: { host, capacity: bigger.capacity } },
      ])
      .andState((record) => expect(record.attributes?.capacity.cpuMillis).toBe(16000));
  });

  it('goes ready, suspect, down and back to ready, recording the cause of the down', () => {
    spec
      .given([registered()])
      .when({ type: 'SuspectHost', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 })
      .then([suspected])
      .andState((record) => expect(publicHostState(record)).toBe('suspect'));
    spec
      .given([registered(), suspected])
      .when({ type: 'DeclareHostDown', epoch: 1, cause: 'dead', evidence, instances: ['i-1'] })
      .then([
        { ...down, data: { ...down.data, reason: expect.stringMatching(/dead/) } } as HostEvent,
      ])
      .andState((record) => expect(publicHostState(record)).toBe('down'));
    spec
      .given([registered(), suspected])
      .when({ type: 'RecoverHost', epoch: 1, lastHeartbeatAt: heartbeatAt })
      .then([recovered])
      .andState((record) => expect(publicHostState(record)).toBe('ready'));
  });

  it('takes a host back from down only through a registration, with a new epoch', () => {
    spec
      .given([registered(), suspected, down])
      .when({ type: 'RecoverHost', epoch: 1, lastHeartbeatAt: heartbeatAt })
      .thenNothing()
      .andState((record) => expect(publicHostState(record)).toBe('down'));
    spec
      .given([registered('run-a', 1, attributes, keyA), suspected, down])
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b', hostKey: keyA })
      .then([reRegistered('run-b', 2, 'down')])
      .andState((record) => {
        expect(record.epoch).toBe(2);
        expect(publicHostState(record)).toBe('ready');
      });
  });

  it('gives a new epoch to a retried registration of the same run once the host went down', () => {
    spec
      .given([registered('run-a'), suspected, down])
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-a' })
      .then([reRegistered('run-a', 2, 'down')]);
  });

  it('records the last heartbeat it heard, and a partition when the host still renewed its lease', () => {
    const lastHeartbeatAt = '2025-01-01T00:00:00.000Z';
    spec
      .given([registered()])
      .when({ type: 'SuspectHost', epoch: 1, lastHeartbeatAt, silentForMs: 2000 })
      .then([{ type: 'HostSuspected', data: { host, lastHeartbeatAt, silentForMs: 2000 } }]);
    const partitioned = {
      lastHeartbeatAt,
      checkedAt: '2025-01-01T00:00:03.000Z',
      lease: { renewedAt: '2025-01-01T00:00:02.500Z', epoch: 1 },
      leaseTtlMs: 3000,
    };
    spec
      .given([registered(), suspected])
      .when({
        type: 'DeclareHostDown',
        epoch: 1,
        cause: 'partitioned',
        evidence: partitioned,
        instances: [],
      })
      .then([
        {
          type: 'HostDown',
          data: {
            host,
            lastHeartbeatAt,
            reason: expect.stringMatching(/partition/),
            instances: [],
            cause: 'partitioned',
            evidence: partitioned,
          },
        },
      ]);
  });

  it('ignores liveness commands of a stale epoch', () => {
    spec
      .given([registered('run-a'), reRegistered('run-b')])
      .when({ type: 'SuspectHost', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 })
      .thenNothing();
  });

  it('records a deferred down once, until the host is down or recovers', () => {
    spec.given([registered(), suspected]).when(deferDown).then([downDeferred]);
    spec.given([registered(), suspected, downDeferred]).when(deferDown).thenNothing();
    spec.given([registered(), suspected, downDeferred, down]).when(deferDown).thenNothing();
    spec
      .given([registered(), suspected, downDeferred, recovered, suspected])
      .when(deferDown)
      .then([downDeferred]);
  });

  it('cordons and uncordons, doing nothing when already there', () => {
    spec
      .given([registered()])
      .when({ type: 'CordonHost', reason: 'maintenance' })
      .then([cordoned])
      .andState((record) => expect(record.cordoned).toBe(true));
    spec.given([registered(), cordoned]).when({ type: 'CordonHost' }).thenNothing();
    spec
      .given([registered(), cordoned])
      .when({ type: 'UncordonHost' })
      .then([uncordoned])
      .andState((record) => expect(record.cordoned).toBe(false));
    spec.given([registered(), cordoned, uncordoned]).when({ type: 'UncordonHost' }).thenNothing();
  });

  it('starts a drain listing the instances to evacuate, and finishes it at once on an empty host', () => {
    spec
      .given([registered()])
      .when({ type: 'DrainHost', instances: ['i-1'] })
      .then([{ type: 'HostDrainStarted', data: { host, instances: ['i-1'] } }])
      .andState((record) => expect(publicHostState(record)).toBe('draining'));
    spec
      .given([registered()])
      .when({ type: 'DrainHost', instances: [] })
      .then([
        { type: 'HostDrainStarted', data: { host, instances: [] } },
        { type: 'HostDrained', data: { host, evacuated: [], notRelocatable: [] } },
      ])
      .andState((record) => expect(publicHostState(record)).toBe('drained'));
  });

  describe('drains and replacements', () => {
    const deadlineAt = '2025-01-01T01:00:00.000Z';
    const readyHost: ReplacementStanding = {
      host: 'mph-2',
      registered: true,
      liveness: 'ready',
      lifecycle: 'active',
      cordoned: false,
    };
    const replace = (
      replacement: Partial<ReplacementStanding> = {},
      instances = ['i-1'],
    ): HostCommand => ({
      type: 'ReplaceHost',
      instances,
      replacement: { ...readyHost, ...replacement },
    });
    const draining: HostEvent = {
      type: 'HostDrainStarted',
      data: { host, instances: ['i-1', 'i-2'] },
    };
    const replacing: HostEvent = {
      type: 'HostDrainStarted',
      data: { host, instances: ['i-1'], replaceWith: 'mph-2' },
    };
    const blockedPinned = {
      instance: 'i-2',
      service: 'shop',
      app: 'pinned',
      reason: 'not relocatable',
    };
    const blocked: HostEvent = {
      type: 'HostDrainBlocked',
      data: { host, blocked: [blockedPinned] },
    };
    const timedOut: HostEvent = {
      type: 'HostDrainTimedOut',
      data: { host, evacuated: ['i-1'], remaining: [blockedPinned] },
    };

    it('records the deadline a drain was given', () => {
      spec
        .given([registered()])
        .when({ type: 'DrainHost', instances: ['i-1'], deadlineAt })
        .then([{ type: 'HostDrainStarted', data: { host, instances: ['i-1'], deadlineAt } }]);
    });

    it('starts a replacement as a drain towards the new host, with its reason and deadline', () => {
      spec
        .given([registered()])
        .when({ ...replace(), reason: 'disk worn', deadlineAt } as HostCommand)
        .then([
          {
            type: 'HostDrainStarted',
            data: {
              host,
              instances: ['i-1'],
              reason: 'disk worn',
              deadlineAt,
              replaceWith: 'mph-2',
            },
          },
        ])
        .andState((record) =>
          expect(record.drain).toEqual({
            state: 'draining',
            number: 1,
            replaceWith: 'mph-2',
            blocked: [],
          }),
        );
    });

    it('retires an empty host at once when it is replaced', () => {
      spec
        .given([registered()])
        .when(replace({}, []))
        .then([
          { type: 'HostDrainStarted', data: { host, instances: [], replaceWith: 'mph-2' } },
          { type: 'HostDrained', data: { host, evacuated: [], notRelocatable: [] } },
          retired,
        ])
        .andState((record) => expect(publicHostState(record)).toBe('retired'));
    });

    it('refuses a host as its own replacement with a validation error naming with', () => {
      spec
        .given([registered()])
        .when(replace({ host }))
        .thenThrows(
          (error) =>
            error instanceof FederaError &&
            error.code === 'validation_failed' &&
            JSON.stringify(error.details).includes('"path":"with"'),
        );
    });

    it('refuses a replacement by a host that cannot take placements, naming with and why', () => {
      const cases: [Partial<ReplacementStanding>, string][] = [
        [{ registered: false }, 'host mph-2 is not registered'],
        [{ liveness: 'suspect' }, 'host mph-2 is suspect'],
        [{ liveness: 'down' }, 'host mph-2 is down'],
        [{ cordoned: true }, 'host mph-2 is cordoned'],
        [{ lifecycle: 'draining' }, 'host mph-2 is draining'],
        [{ lifecycle: 'retired' }, 'host mph-2 is retired'],
      ];
      for (const [standing, reason] of cases) {
        spec
          .given([registered()])
          .when(replace(standing))
          .thenThrows(
            (error) =>
              error instanceof FederaError &&
              error.code === 'conflict' &&
              JSON.stringify(error.details) === JSON.stringify([{ path: 'with', reason }]),
          );
      }
    });

    it('takes a replacement asked again as done, and refuses one while another drain runs', () => {
      spec.given([registered(), replacing]).when(replace()).thenNothing();
      spec.given([registered(), draining]).when(replace()).thenThrows(withCode('conflict'));
    });

    it('records what blocks a drain only when the list changed', () => {
      spec
        .given([registered(), draining])
        .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [blockedPinned] })
        .then([blocked])
        .andState((record) => expect(record.drain?.blocked).toEqual([blockedPinned]));
      spec
        .given([registered(), draining, blocked])
        .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [{ ...blockedPinned }] })
        .thenNothing();
      spec
        .given([registered(), draining, blocked])
        .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [] })
        .then([{ type: 'HostDrainBlocked', data: { host, blocked: [] } }]);
      spec
        .given([registered()])
        .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [blockedPinned] })
        .thenNothing();
    });

    it('finishes a drain once, and retires the host of a replacement', () => {
      const finish: HostCommand = {
        type: 'FinishDrain',
        drain: 1,
        evacuated: ['i-1'],
        notRelocatable: [],
      };
      const drained: HostEvent = {
        type: 'HostDrained',
        data: { host, evacuated: ['i-1'], notRelocatable: [] },
      };
      spec
        .given([registered(), draining])
        .when(finish)
        .then([drained])
        .andState((record) => expect(publicHostState(record)).toBe('drained'));
      spec.given([registered(), draining, drained]).when(finish).thenNothing();
      spec
        .given([registered(), replacing])
        .when(finish)
        .then([drained, retired])
        .andState((record) => expect(publicHostState(record)).toBe('retired'));
    });

    it('times a drain out once, leaving the host out of placement until it is drained again', () => {
      const timeOut: HostCommand = {
        type: 'TimeOutDrain',
        drain: 1,
        evacuated: ['i-1'],
        remaining: [blockedPinned],
      };
      spec
        .given([registered(), draining])
        .when(timeOut)
        .then([timedOut])
        .andState((record) => {
          expect(publicHostState(record)).toBe('draining');
          expect(record.drain?.state).toBe('timed-out');
        });
      spec.given([registered(), draining, timedOut]).when(timeOut).thenNothing();
      spec
        .given([registered(), draining, timedOut])
        .when({ type: 'FinishDrain', drain: 1, evacuated: [], notRelocatable: [] })
        .thenNothing();
      spec
        .given([registered(), draining, timedOut])
        .when({ type: 'DrainHost', instances: ['i-2'] })
        .then([{ type: 'HostDrainStarted', data: { host, instances: ['i-2'] } }])
        .andState((record) => expect(record.drain?.state).toBe('draining'));
    });

    it("refuses a drain runner's command for an earlier drain of the host", () => {
      const again: HostEvent = { type: 'HostDrainStarted', data: { host, instances: ['i-2'] } };
      const history = [registered(), draining, timedOut, again];
      spec
        .given(history)
        .when({ type: 'FinishDrain', drain: 1, evacuated: [], notRelocatable: [] })
        .thenThrows(withCode('conflict'));
      spec
        .given(history)
        .when({ type: 'TimeOutDrain', drain: 1, evacuated: [], remaining: [] })
        .thenThrows(withCode('conflict'));
      spec
        .given(history)
        .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [blockedPinned] })
        .thenThrows(withCode('conflict'));
      spec
        .given(history)
        .when({ type: 'RecordDrainBlocked', drain: 2, blocked: [blockedPinned] })
        .then([{ type: 'HostDrainBlocked', data: { host, blocked: [blockedPinned] } }]);
    });

    describe('an uncordon ends the drain', () => {
      const drainEnded: HostEvent = { type: 'HostUncordoned', data: { host, drainEnded: true } };
      const drained: HostEvent = {
        type: 'HostDrained',
        data: { host, evacuated: ['i-1', 'i-2'], notRelocatable: [] },
      };

      it('returns a host draining, timed out or drained to service, its drain cancelled', () => {
        for (const history of [
          [registered(), draining, blocked],
          [registered(), draining, timedOut],
          [registered(), draining, drained],
          [registered(), cordoned, draining, blocked],
        ]) {
          spec
            .given(history)
            .when({ type: 'UncordonHost' })
            .then([drainEnded])
            .andState((record) => {
              expect(publicHostState(record)).toBe('ready');
              expect(record.cordoned).toBe(false);
              expect(record.drain).toEqual({
                state: 'cancelled',
                number: 1,
                replaceWith: undefined,
                blocked: [],
              });
            });
        }
      });

      it('takes an uncordon asked again after the drain ended as done', () => {
        spec
          .given([registered(), draining, drainEnded])
          .when({ type: 'UncordonHost' })
          .thenNothing();
      });

      it('ignores the drain runner once the drain was cancelled', () => {
        const history = [registered(), draining, drainEnded];
        spec
          .given(history)
          .when({ type: 'FinishDrain', drain: 1, evacuated: [], notRelocatable: [] })
          .thenNothing();
        spec
          .given(history)
          .when({ type: 'TimeOutDrain', drain: 1, evacuated: [], remaining: [] })
          .thenNothing();
        spec
          .given(history)
          .when({ type: 'RecordDrainBlocked', drain: 1, blocked: [blockedPinned] })
          .thenNothing();
      });

      it('cancels a replacement too, and lets the host drain again as its second drain', () => {
        spec
          .given([registered(), replacing])
          .when({ type: 'UncordonHost' })
          .then([drainEnded])
          .andState((record) => expect(record.lifecycle).toBe('active'));
        spec
          .given([registered(), draining, drainEnded])
          .when({ type: 'DrainHost', instances: ['i-2'] })
          .then([{ type: 'HostDrainStarted', data: { host, instances: ['i-2'] } }])
          .andState((record) => expect(record.drain?.number).toBe(2));
      });

      it('keeps a host that was down down, though back from its drain', () => {
        spec
          .given([registered(), draining, down])
          .when({ type: 'UncordonHost' })
          .then([drainEnded])
          .andState((record) => expect(publicHostState(record)).toBe('down'));
      });

      it('refuses to uncordon a retired host', () => {
        spec
          .given([registered(), draining, drained, retired])
          .when({ type: 'UncordonHost' })
          .thenThrows(withCode('conflict'));
      });
    });
  });

  it('refuses to retire a host that still runs instances unless forced', () => {
    spec
      .given([registered()])
      .when({ type: 'RetireHost', force: false, instances: ['i-1'] })
      .thenThrows(withCode('conflict'));
    spec
      .given([registered()])
      .when({ type: 'RetireHost', force: true, instances: ['i-1'] })
      .then([{ type: 'HostRetired', data: { host, forced: true } }]);
  });

  it('refuses operator actions and registration on a retired host', () => {
    spec
      .given([registered()])
      .when({ type: 'RetireHost', force: false, instances: [] })
      .then([retired])
      .andState((record) => expect(publicHostState(record)).toBe('retired'));
    const afterRetirement = spec.given([registered(), retired]);
    afterRetirement.when({ type: 'CordonHost' }).thenThrows(FederaError);
    afterRetirement
      .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b' })
      .thenThrows(FederaError);
  });

  describe('host keys', () => {
    const held = registered('run-a', 1, attributes, keyA);

    it('records the fingerprint of the key a new host registers with', () => {
      spec
        .given([])
        .when({ type: 'RegisterHost', attributes, agentRunId: 'run-a', hostKey: keyA })
        .then([held])
        .andState((record) => expect(record.hostKey).toBe(keyA));
    });

    it('gives the same key a new epoch on every new run, whatever the liveness', () => {
      for (const before of [[held], [held, suspected]]) {
        spec
          .given(before)
          .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b', hostKey: keyA })
          .then([reRegistered('run-b', 2, before.length === 1 ? 'ready' : 'suspect')])
          .andState((record) => expect(record.hostKey).toBe(keyA));
      }
    });

    it('refuses another key while the host is live, naming the host and the key that holds it', () => {
      for (const before of [[held], [held, suspected], [held, suspected, downDeferred]]) {
        spec
          .given(before)
          .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b', hostKey: keyB })
          .thenThrows(
            (error) =>
              error instanceof FederaError &&
              error.code === 'conflict' &&
              error.message.includes(`host ${host} is held by another agent (host key ${keyA})`),
          );
      }
    });

    it('refuses another key even when it retries the run id of the agent that holds the host', () => {
      spec
        .given([held])
        .when({ type: 'RegisterHost', attributes, agentRunId: 'run-a', hostKey: keyB })
        .thenThrows(withCode('conflict'));
    });

    it('refuses a registration without a key on a host that holds one, even when it is down', () => {
      for (const before of [[held], [held, suspected, down]]) {
        spec
          .given(before)
          .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b' })
          .thenThrows(withCode('conflict'));
      }
    });

    it('lets another key take a host that is down, with a new epoch and the new fingerprint', () => {
      spec
        .given([held, suspected, down])
        .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b', hostKey: keyB })
        .then([registered('run-b', 2, attributes, keyB), reRegistered('run-b', 2, 'down')])
        .andState((record) => {
          expect(record.hostKey).toBe(keyB);
          expect(publicHostState(record)).toBe('ready');
        });
    });

    it('lets the first key take a host registered without one (older agents and events)', () => {
      spec
        .given([registered('run-a')])
        .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b', hostKey: keyB })
        .then([registered('run-b', 2, attributes, keyB), reRegistered('run-b')])
        .andState((record) => expect(record.hostKey).toBe(keyB));
      spec
        .given([registered('run-a')])
        .when({ type: 'RegisterHost', attributes, agentRunId: 'run-b' })
        .then([reRegistered('run-b')])
        .andState((record) => expect(record.hostKey).toBeUndefined());
    });

    it('keeps the key through a re-registration that changes the description', () => {
      const changed: HostAttributes = { ...attributes, layers: ['process'] };
      spec
        .given([held])
        .when({ type: 'RegisterHost', attributes: changed, agentRunId: 'run-b', hostKey: keyA })
        .then([registered('run-b', 2, changed, keyA), reRegistered('run-b')])
        .andState((record) => expect(record.hostKey).toBe(keyA));
    });
  });

  it('answers not found for commands on a host that never registered', () => {
    spec.given([]).when({ type: 'CordonHost' }).thenThrows(withCode('not_found'));
  });
});
