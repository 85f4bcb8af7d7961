import type { Register } from '../command.js';

/**
 * Every command, in the order `support --help` lists them: one file per command, named for it,
 * except `transition.ts`, which declares `resolve`, `escalate` and `reopen` from one table.
 * Add a command here.
 */
export async function loadCommands(): Promise<Register[]> {
  const mods = await Promise.all([
    import('./create.js'),
    import('./list.js'),
    import('./view.js'),
    import('./comment.js'),
    import('./attach.js'),
    import('./transition.js'), // resolve, escalate, reopen
    import('./watch.js'),
    import('./bundle.js'),
    import('./login.js'),
    import('./logout.js'),
    import('./whoami.js'),
    import('./sandbox.js'),
    import('./completion.js'),
    import('./kb.js'),
    import('./participants.js'),
    import('./orgs.js'),
    import('./download.js'),
    import('./feedback.js'),
    import('./notify.js'),
    import('./approvals.js'), // approvals, approve, decline
  ]);
  return mods.map((m) => m.register);
}
