import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Creates a qcow2 disk at `path`: an overlay on `backingImage` when given, else a blank one of `sizeBytes`. */
export async function createQcow2(
  qemuImg: string,
  path: string,
  options: { backingImage?: string; sizeBytes?: number },
): Promise<void> {
  const args = ['create', '-q', '-f', 'qcow2'];
  if (options.backingImage) {
    const format = await imageFormat(qemuImg, options.backingImage);
    args.push('-b', options.backingImage, '-F', format);
  }
  args.push(path);
  if (options.sizeBytes !== undefined) args.push(String(options.sizeBytes));
  await run(qemuImg, args);
}

/** The format qemu-img detects for an image (qcow2, raw, ...). */
export async function imageFormat(qemuImg: string, path: string): Promise<string> {
  const info = await imageInfo(qemuImg, path);
  return info.format;
}

/** `qemu-img info` of an image: its format and virtual size in bytes. */
export async function imageInfo(
  qemuImg: string,
  path: string,
): Promise<{ format: string; virtualSize: number }> {
  const { stdout } = await run(qemuImg, ['info', '--output=json', '-U', path]);
  const info = JSON.parse(stdout) as { format: string; 'virtual-size': number };
  return { format: info.format, virtualSize: info['virtual-size'] };
}

/** Streams the qcow2 file as it is on disk. */
export function streamDisk(path: string): Readable {
  return createReadStream(path);
}

/**
 * Writes a streamed image to `path` through a temporary file and checks it is qcow2.
 * Answers false (and writes nothing) when the stream is empty: a disk-less VM exports nothing.
 */
export async function writeDisk(qemuImg: string, path: string, data: Readable): Promise<boolean> {
  const partial = `${path}.partial`;
  try {
    await pipeline(data, createWriteStream(partial));
    if ((await stat(partial)).size === 0) return false;
    const format = await imageFormat(qemuImg, partial);
    if (format !== 'qcow2') throw new Error(`imported data is a ${format} image, not qcow2`);
    await rename(partial, path);
    return true;
  } finally {
    await rm(partial, { force: true });
  }
}

/** Bytes the image occupies on the host (allocated blocks, not its virtual size). */
export async function allocatedBytes(path: string): Promise<number> {
  try {
    return (await stat(path)).blocks * 512;
  } catch {
    return 0;
  }
}
