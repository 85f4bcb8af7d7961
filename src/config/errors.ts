/** Errors of the config layer that the CLI renders; kept apart so that loading them costs nothing. */

/** The config file's permissions are not 0600 and could not be made so. */
export class InsecureConfigError extends Error {
  constructor(
    readonly file: string,
    readonly mode: number,
  ) {
    super(`${file} has mode ${mode.toString(8)}, expected 600`);
    this.name = 'InsecureConfigError';
  }
}

/**
 * A file of ours (a draft, the config file) could not be written: the disk is full, the folder is
 * not writable... `code` is the system's (`ENOSPC`, `EACCES`, `EROFS`); the old file is untouched.
 */
export class ConfigWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause?: unknown,
  ) {
    super(`cannot write ${file}: ${code ?? String(cause)}`, cause === undefined ? undefined : { cause });
    this.name = 'ConfigWriteError';
  }
}

/** The config file is not what we wrote (not JSON, or not our shape); left as it is for the user to fix. */
export class ConfigCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be read: ${reason}`);
    this.name = 'ConfigCorruptError';
  }
}
