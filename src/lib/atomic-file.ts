import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

/**
 * Writes `text` to `file` so that a crash or a concurrent reader sees the old or the new content,
 * never half of it: a temp file beside it, fsync, then rename over (the temp file removed when any
 * step fails). Mode 0600 by default.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await fs.open(tmp, 'w', mode);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // A full disk or a failed rename leaves the old file as it was and no temp file beside it.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** The file's text, or undefined when it does not exist (other errors are thrown). */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
