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
