import { defaultSoakOptions, parseSoakOptions } from './soak-options';

describe('parseSoakOptions', () => {
  it('answers the issue defaults when given nothing: 1,000 hosts, 4 agents, 200 services, 30 minutes', () => {
    expect(parseSoakOptions([])).toEqual(defaultSoakOptions);
    expect(defaultSoakOptions).toMatchObject({
      hosts: 1000,
      agents: 4,
      services: 200,
      minutes: 30,
    });
  });

  it('reads each flag as a separate or an inline value, and --keep alone', () => {
    expect(
      parseSoakOptions([
        '--minutes',
        '2.5',
        '--hosts=50',
        '--services',
        '10',
        '--agents',
        '1',
        '--keep',
      ]),
    ).toMatchObject({ minutes: 2.5, hosts: 50, services: 10, agents: 1, keep: true });
  });

  it('refuses an unknown flag, naming it', () => {
    expect(() => parseSoakOptions(['--hours', '1'])).toThrow('unknown flag --hours');
  });

  it('refuses a missing, fractional or too small number, naming the flag', () => {
    expect(() => parseSoakOptions(['--minutes'])).toThrow(
      '--minutes: must be a number of at least 0.5, got nothing',
    );
    expect(() => parseSoakOptions(['--hosts', '2.5'])).toThrow('--hosts: must be a whole number');
    expect(() => parseSoakOptions(['--agents', '0'])).toThrow(
      '--agents: must be a whole number of at least 1, got 0',
    );
  });
});
