import { checkHeartbeatFields } from './heartbeat-fields';

describe('heartbeat fields', () => {
  it('accepts the fields inventory reads', () => {
    expect(
      checkHeartbeatFields({ host: 'h1', epoch: 2, seq: 7, sentAt: 5, usage: {} }, 'h1'),
    ).toEqual({
      ok: true,
      value: { host: 'h1', epoch: 2, seq: 7, sentAt: 5 },
    });
  });

  it('names every bad field, and a host that is not the one of the subject', () => {
    expect(checkHeartbeatFields({ host: 'h2', epoch: 0, sentAt: 'now' }, 'h1')).toEqual({
      ok: false,
      errors: [
        { path: 'host', reason: "must match the subject's host h1" },
        { path: 'epoch', reason: 'must be an integer of at least 1' },
        { path: 'seq', reason: 'must be an integer of at least 1' },
        { path: 'sentAt', reason: 'must be a time in ms since the Unix epoch' },
      ],
    });
    expect(checkHeartbeatFields([], 'h1')).toEqual({
      ok: false,
      errors: [{ path: '', reason: 'must be an object' }],
    });
  });
});
