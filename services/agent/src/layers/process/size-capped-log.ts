import { copyFile, stat, truncate } from 'node:fs/promises';

/**
 * Keeps a log file that a child appends to (O_APPEND) under `capBytes`: past the cap it is copied
 * to `<path>.1` and truncated, and the child's next writes land at the new end. At most about
 * twice the cap is kept, without ever piping the child's output through the agent (which would
 * tie the child's life to the agent's).
 */
export async function capLogFile(path: string, capBytes: number): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return false;
  }
  if (size <= capBytes) return false;
  await copyFile(path, `${path}.1`);
  await truncate(path, 0);
  return true;
}
