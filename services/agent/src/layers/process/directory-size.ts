import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes allocated to the files under `dir` (0 when it does not exist); symbolic links are not followed. */
export async function directorySize(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else {
      try {
        total += (await lstat(path)).blocks * 512;
      } catch {
        // Removed while walking: it no longer counts.
      }
    }
  }
  return total;
}
