import { Chalk, type ChalkInstance } from 'chalk';

/** Colours for human output; plain text when colour is off. */
export function theme(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 2 : 0 });
}
