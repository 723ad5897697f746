import { parseEnviron, workloadOfEnvironment, workloadOfStdout } from './workload-identity';

const environ = (vars: Record<string, string>) =>
  Buffer.from(
    Object.entries(vars)
      .map(([name, value]) => `${name}=${value}\0`)
      .join(''),
  );

describe('workload identity', () => {
  it('reads a process environment of NUL-ended pairs, values holding = included', () => {
    const env = parseEnviron(environ({ PATH: '/bin', JAVA_OPTS: '-Da=b', EMPTY: '' }));
    expect([...env]).toEqual([
      ['PATH', '/bin'],
      ['JAVA_OPTS', '-Da=b'],
      ['EMPTY', ''],
    ]);
  });

  it('keeps the first value of a name given twice, as getenv does', () => {
    expect(parseEnviron('A=1\0A=2\0').get('A')).toBe('1');
  });

  it('names the instance and port of a workload whose data dir lies under this agent', () => {
    const env = parseEnviron(
      environ({
        FEDERA_INSTANCE: 'kv-1',
        FEDERA_DATA_DIR: '/var/lib/federa-agent/instances/kv-1/data',
        PORT: '4100',
      }),
    );
    expect(workloadOfEnvironment(env, '/var/lib/federa-agent/instances')).toEqual({
      instance: 'kv-1',
      port: 4100,
    });
  });

  it('does not take another agent’s workload of the same instance for its own', () => {
    const env = parseEnviron(
      environ({ FEDERA_INSTANCE: 'kv-1', FEDERA_DATA_DIR: '/srv/other-host/instances/kv-1/data' }),
    );
    expect(workloadOfEnvironment(env, '/var/lib/federa-agent/instances')).toBeUndefined();
  });

  it('does not take a process whose data dir belongs to another instance', () => {
    const env = parseEnviron(
      environ({ FEDERA_INSTANCE: 'kv-1', FEDERA_DATA_DIR: '/agent/instances/kv-2/data' }),
    );
    expect(workloadOfEnvironment(env, '/agent/instances')).toBeUndefined();
  });

  it('does not take a process without FEDERA_INSTANCE or FEDERA_DATA_DIR, or with a path for an instance', () => {
    expect(workloadOfEnvironment(parseEnviron(environ({ PATH: '/bin' })), '/a')).toBeUndefined();
    expect(
      workloadOfEnvironment(
        parseEnviron(environ({ FEDERA_INSTANCE: '..', FEDERA_DATA_DIR: '/a/../data' })),
        '/a',
      ),
    ).toBeUndefined();
  });

  it('answers no port when PORT is missing or not a port', () => {
    const env = parseEnviron(
      environ({ FEDERA_INSTANCE: 'kv-1', FEDERA_DATA_DIR: '/a/kv-1/data', PORT: 'x' }),
    );
    expect(workloadOfEnvironment(env, '/a')).toEqual({ instance: 'kv-1', port: undefined });
  });
});

describe('workloadOfStdout', () => {
  it('names the instance whose stdout log under this agent’s instances dir a process writes to', () => {
    expect(workloadOfStdout('/agent/instances/kv-1/logs/stdout.log', '/agent/instances')).toEqual({
      instance: 'kv-1',
      port: undefined,
    });
  });

  it('does not take output going elsewhere: another agent, a deleted log, a pipe, a terminal', () => {
    for (const target of [
      '/other/instances/kv-1/logs/stdout.log',
      '/agent/instances/kv-1/logs/stdout.log (deleted)',
      '/agent/instances/kv-1/logs/stderr.log',
      '/agent/instances/kv-1/data/stdout.log',
      '/agent/instances/logs/stdout.log',
      'pipe:[12345]',
      '/dev/pts/0',
    ])
      expect(workloadOfStdout(target, '/agent/instances')).toBeUndefined();
  });
});
