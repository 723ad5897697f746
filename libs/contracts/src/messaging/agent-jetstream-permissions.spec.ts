import { agentJetStreamPermissions } from './agent-jetstream-permissions';
import { discoveryKey, parseDiscoveryKey, Subjects } from './subjects';

/** Whether a NATS subject pattern covers a subject (`*` one token, `>` the rest). */
function covers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const subjects = new Subjects('fed');
const allowed = (host: string, subject: string) =>
  agentJetStreamPermissions(subjects, host).publish.some((p) => covers(p, subject));

describe("the JetStream permissions of one host's agent", () => {
  it('grant its own data bucket: read, write, purge and the ordered read of its objects', () => {
    for (const subject of [
      '$JS.API.STREAM.INFO.OBJ_fed-data-h1',
      '$JS.API.STREAM.MSG.GET.OBJ_fed-data-h1',
      '$JS.API.STREAM.PURGE.OBJ_fed-data-h1',
      '$JS.API.CONSUMER.CREATE.OBJ_fed-data-h1',
      '$O.fed-data-h1.C.abc',
      '$O.fed-data-h1.M.bmFtZQ==',
    ])
      expect(allowed('h1', subject)).toBe(true);
  });

  it('grant no creating, changing or deleting of any stream, its own data bucket included', () => {
    for (const stream of ['OBJ_fed-data-h1', 'OBJ_fed-data-h2', 'FED_EVENTS', 'ANY'])
      for (const api of ['STREAM.CREATE', 'STREAM.UPDATE', 'STREAM.DELETE'])
        expect(allowed('h1', `$JS.API.${api}.${stream}`)).toBe(false);
  });

  it("grant nothing of another host's data bucket, nor a bucket whose name only starts like its own", () => {
    for (const host of ['h2', 'h1-b'])
      for (const subject of [
        `$JS.API.STREAM.INFO.OBJ_fed-data-${host}`,
        `$JS.API.STREAM.MSG.GET.OBJ_fed-data-${host}`,
        `$JS.API.DIRECT.GET.OBJ_fed-data-${host}`,
        `$JS.API.CONSUMER.CREATE.OBJ_fed-data-${host}`,
        `$JS.API.STREAM.DELETE.OBJ_fed-data-${host}`,
        `$O.fed-data-${host}.M.x`,
      ])
        expect(allowed('h1', subject)).toBe(false);
    expect(allowed('h1', '$JS.API.STREAM.DELETE.OBJ_fed-data-h1')).toBe(false);
    expect(allowed('h1', '$JS.API.STREAM.LIST')).toBe(false);
  });

  it('grant a watch of its own discovery keys through the create that names its filter, and no other watch', () => {
    const create = '$JS.API.CONSUMER.CREATE.KV_fed-endpoints';
    expect(allowed('h1', `${create}.W1.$KV.fed-endpoints.h1.>`)).toBe(true);
    expect(allowed('h1', `${create}.W1.$KV.fed-endpoints.h1.shop`)).toBe(true);
    expect(allowed('h1', `${create}.W1.$KV.fed-endpoints.h2.>`)).toBe(false);
    expect(allowed('h1', `${create}.W1.$KV.fed-endpoints.>`)).toBe(false);
    expect(allowed('h1', `${create}.W1`)).toBe(false);
    expect(allowed('h1', create)).toBe(false);
    // Reading values directly, or writing them, is supervision's.
    expect(allowed('h1', '$JS.API.DIRECT.GET.KV_fed-endpoints.$KV.fed-endpoints.h1.shop')).toBe(
      false,
    );
    expect(allowed('h1', '$KV.fed-endpoints.h1.shop')).toBe(false);
  });

  it('grant the simulator standing for every host every bucket', () => {
    expect(allowed('*', '$O.fed-data-sim-0001.M.x')).toBe(true);
    expect(allowed('*', '$JS.API.STREAM.INFO.OBJ_fed-data-sim-0002')).toBe(true);
  });
});

describe('discovery keys and data buckets', () => {
  it('name the host first in a key, and read it back; a key without a host part names none', () => {
    expect(subjects.discoveryKey('h1', 'shop')).toBe('h1.shop');
    expect(discoveryKey('h1', 'shop')).toBe('h1.shop');
    expect(subjects.discoveryKeysOf('h1')).toBe('h1.>');
    expect(parseDiscoveryKey('h1.shop')).toEqual({ host: 'h1', service: 'shop' });
    for (const key of ['shop', '.shop', 'h1.']) expect(parseDiscoveryKey(key)).toBeUndefined();
  });

  it('give each host a data bucket of its own under the prefix', () => {
    expect(subjects.dataBucketOf('h1')).toBe('fed-data-h1');
    expect(new Subjects().dataBucketOf('mph-7')).toBe('federa-data-mph-7');
  });
});
