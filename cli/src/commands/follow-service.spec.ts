import type { ServiceSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import type { ProgressStream } from '../progress-display';
import { followService, progressStreamFor } from './follow-service';

function service(state: ServiceSummary['state']): ServiceSummary {
  return {
    name: 'shop',
    state,
    revision: 1,
    deployedRevision: 1,
    startOrder: [],
    applications: [],
  } as unknown as ServiceSummary;
}

/** An API whose service reads as each of `states` in turn, then the last one. */
function apiReading(...states: ServiceSummary['state'][]): ApiClient {
  let read = 0;
  return {
    get: () => Promise.resolve(service(states[Math.min(read++, states.length - 1)])),
  } as unknown as ApiClient;
}

describe('following a service with --wait', () => {
  let stderr: string[];
  const progress: ProgressStream & { lines: string[] } = {
    lines: [],
    write(text: string) {
      return this.lines.push(text);
    },
  };
  beforeEach(() => {
    stderr = [];
    progress.lines = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((text) => !!stderr.push(String(text)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('exits 4 and says so when the deploy ends with the service failed', async () => {
    const followed = await followService(
      apiReading('failed'),
      'deploy',
      service('deploying'),
      undefined,
      progress,
    );
    expect(followed.exitCode).toBe(4);
    expect(followed.service.state).toBe('failed');
    expect(stderr.join('')).toBe('deploy: service shop failed\n');
    expect(progress.lines).toEqual(['shop deploying\n', 'shop failed\n']);
  });

  it('exits 0 at once when a service that was never deployed is stopped', async () => {
    const followed = await followService(
      apiReading('defined'),
      'stop',
      service('defined'),
      undefined,
      progress,
    );
    expect(followed.exitCode).toBe(0);
  });

  it('exits 5 when --timeout passes while the service is still going', async () => {
    const followed = await followService(
      apiReading('deploying'),
      'deploy',
      service('deploying'),
      20,
      progress,
    );
    expect(followed.exitCode).toBe(5);
    expect(stderr.join('')).toContain('--timeout passed while service shop was deploying');
  });

  it('keeps progress off stdout whenever stdout carries what a script reads', () => {
    expect(progressStreamFor('json')).toBe(process.stderr);
    expect(progressStreamFor('yaml')).toBe(process.stderr);
    expect(progressStreamFor('name')).toBe(process.stderr);
    expect(progressStreamFor('table')).toBe(process.stdout);
    expect(progressStreamFor('wide')).toBe(process.stdout);
  });
});
