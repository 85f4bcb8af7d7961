import { Option } from 'commander';
import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { ParticipantsJson } from '../json-types.js';
import { parseKey } from '../shared/common.js';
import type { ParticipantsOptions } from '../shared/participants.js';

export type { ParticipantsOptions } from '../shared/participants.js';

/** commander's accumulator for a flag that may be given several times. */
function repeatable(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Flags -> options: comma-separated values split, duplicates dropped; one person both added and removed is a usage error. */
export function participantsOptions(key: string, raw: { add?: string[]; remove?: string[] }, t: Ctx['t']): ParticipantsOptions {
  const split = (vs: readonly string[] | undefined) => [...new Set((vs ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
  const add = split(raw.add);
  const remove = split(raw.remove);
  const both = add.filter((a) => remove.some((r) => r.toLowerCase() === a.toLowerCase()));
  if (both.length > 0) throw new UsageError(t('kb.participants.err.both', both.join(', ')));
  return { key: parseKey(key, t), add, remove };
}

export const register = defineCommand<[string], { add?: string[]; remove?: string[] }>((t) => ({
  name: 'participants',
  description: t('kb.participants.description'),
  args: [['<key>', t('follow.arg.key')]],
  moreFlags: (cmd) =>
    cmd
      .addOption(new Option('--add <email|id>', t('kb.participants.opt.add')).argParser(repeatable))
      .addOption(new Option('--remove <email|id>', t('kb.participants.opt.remove')).argParser(repeatable)),
  examples: [
    'support participants SUP-12',
    'support participants SUP-12 --add ann@example.com --add 5b10ac8d82e05b22cc7d4ef5',
    'support participants SUP-12 --remove 田中@example.co.jp --json',
  ],
  action: (ctx, [key], flags) => runParticipants(participantsOptions(key, flags, ctx.t), ctx),
}));

/**
 * Lists a request's participants, after adding and removing the people named. Every e-mail is
 * looked up first (as `create --participant` does) and any that names no account stops the run
 * with nothing changed; the portal takes each change in one call, all or nothing.
 */
export async function runParticipants(opts: ParticipantsOptions, ctx: Ctx): Promise<ParticipantsJson> {
  const [{ withPortal }, { changeParticipants }] = await Promise.all([import('../shared/common.js'), import('../shared/participants.js')]);
  return withPortal(ctx, (api, _url, session) => changeParticipants(api, session, opts, ctx));
}
