import { ValidationFailed } from '@federa/contracts';
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
