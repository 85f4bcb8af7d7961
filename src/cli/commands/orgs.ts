import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { OrgsJson } from '../json-types.js';

export const register = defineCommand<[], Record<string, never>>((t) => ({
  name: 'orgs',
  description: t('kb.orgs.description'),
  examples: ['support orgs', 'support orgs --json', 'support list --organization "Acme Corporation"', 'support create --share-with アクメ株式会社'],
  action: (ctx) => runOrgs(ctx),
}));

/** Lists the customer organisations the account belongs to: a table on a terminal, `id<TAB>name` in a pipe, an array with --json. */
export async function runOrgs(ctx: Ctx): Promise<OrgsJson> {
  const [{ withPortal }, { listOrganizations }, { displayWidth, pad }] = await Promise.all([
    import('../shared/common.js'),
    import('../../portal/organizations.js'),
    import('../../ui/table.js'),
  ]);
  return withPortal(ctx, async (api) => {
    const doc: OrgsJson = (await listOrganizations(api)).map((o) => ({ id: o.id, name: o.name }));
    const { io, t } = ctx;
    if (ctx.globals.json) ctx.output.json(doc);
    else if (doc.length === 0) io.err(t('kb.orgs.none'));
    else if (!io.stdoutIsTTY) for (const o of doc) io.out(`${o.id}\t${o.name.replace(/[\t\r\n]+/g, ' ')}`);
    else {
      const w = Math.max(displayWidth(t('kb.orgs.col.id')), ...doc.map((o) => displayWidth(o.id)));
      io.out(`${pad(t('kb.orgs.col.id'), w)}  ${t('kb.orgs.col.name')}`);
      for (const o of doc) io.out(`${pad(o.id, w)}  ${o.name}`);
    }
    return doc;
  });
}
