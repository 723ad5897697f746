import { instanceStartPayload, parseServiceSpec, ValidationFailed } from '@federa/contracts';
import { instanceSpecOf } from '../../domain/instance-spec';
import { diskSizeBytes, parseQemuArtifact, qemuArtifactErrors } from './qemu-artifact';

describe('qemu artifact', () => {
  it('accepts an empty artifact (a disk-less VM) and a full one', () => {
    expect(parseQemuArtifact({})).toEqual({});
    expect(
      parseQemuArtifact({ image: '/img/base.qcow2', diskSize: '1Gi', memoryMiB: 128 }),
    ).toMatchObject({
      image: '/img/base.qcow2',
      diskSize: '1Gi',
      memoryMiB: 128,
    });
  });

  it('names every bad field under artifact', () => {
    try {
      parseQemuArtifact({ memoryMiB: 8, diskSize: '1 GB', colour: 'red' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      const paths = (error as ValidationFailed).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['artifact.colour', 'artifact.diskSize', 'artifact.memoryMiB']);
    }
  });

  it("reads the memory and disk size a service spec's application sets, through the start the agent gets", () => {
    const parsed = parseServiceSpec(
      [
        'apiVersion: federa/v1',
        'kind: Service',
        'metadata: { name: vms }',
        'spec:',
        '  applications:',
        '    - name: vm',
        '      layer: qemu',
        '      artifact: { image: /images/base.qcow2, memoryMiB: 512, diskSize: 2Gi }',
        '      resources: { cpu: 1, memory: 512Mi }',
        '',
      ].join('\n'),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const [app] = parsed.value.normalised.applications;
    const spec = instanceSpecOf(instanceStartPayload('vms', 'vms-vm-1', app), '/var/federa');
    const artifact = parseQemuArtifact(spec.artifact);
    expect(artifact).toMatchObject({
      image: '/images/base.qcow2',
      memoryMiB: 512,
      diskSize: '2Gi',
    });
    expect(diskSizeBytes(artifact.diskSize!)).toBe(2 * 2 ** 30);
  });

  it('turns binary size suffixes into bytes', () => {
    expect(diskSizeBytes('512Mi')).toBe(512 * 2 ** 20);
    expect(diskSizeBytes('1Gi')).toBe(2 ** 30);
    expect(diskSizeBytes('4096')).toBe(4096);
  });
});

describe('qemuArtifactErrors', () => {
  it('lists the reasons without throwing, and none for a good artifact', () => {
    expect(qemuArtifactErrors({ memoryMiB: 64 })).toEqual([]);
    expect(qemuArtifactErrors({ image: '' })).toEqual([
      { path: 'artifact.image', reason: expect.stringContaining('longer than or equal to 1') },
    ]);
  });
});
