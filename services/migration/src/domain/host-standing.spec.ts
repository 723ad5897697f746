import { hostStanding } from './host-standing';

describe('a host standing', () => {
  it('takes the epoch of its latest registration or recovery, and is not up once down or retired', () => {
    const registered = { type: 'HostRegistered', data: { epoch: 1, layers: ['process'] } };
    expect(hostStanding([])).toBeUndefined();
    expect(hostStanding([registered])).toEqual({ epoch: 1, up: true, layers: ['process'] });
    const down = { type: 'HostDown', data: {} };
    expect(hostStanding([registered, down])).toMatchObject({ up: false, epoch: 1 });
    const back = { type: 'HostRecovered', data: { epoch: 2 } };
    expect(hostStanding([registered, down, back])).toMatchObject({ up: true, epoch: 2 });
    expect(hostStanding([registered, { type: 'HostRetired', data: {} }])).toMatchObject({
      up: false,
    });
  });
});
