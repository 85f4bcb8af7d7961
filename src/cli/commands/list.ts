import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';

export interface ListOptions {
  status: 'open' | 'closed' | 'all';
  /** A status by name (checked against the portal's statuses when it lists them): only requests in it. */
  statusName?: string;
  /** Only the requests waiting for the customer's reply. */
  waiting?: boolean;
  ownership: 'default' | 'mine' | 'participating' | 'all';
  search?: string;
  serviceDesk?: string;
  /** Only requests shared with this organisation (id or name, resolved among the caller's). */
  organization?: string;
  /** 0 = every request. */
  limit: number;
}

interface RawListFlags {
  status?: string;
  waiting?: boolean;
  mine?: boolean;
  participating?: boolean;
  all?: boolean;
  search?: string;
  serviceDesk?: string;
  limit?: string;
  organization?: string;
}

/** Flags -> options, with every problem reported at once (exit 2). */
export function listOptions(raw: RawListFlags, t: Ctx['t']): ListOptions {
  const problems: string[] = [];
  const typed = (raw.status ?? 'open').trim();
  const named = !['open', 'closed', 'all'].includes(typed.toLowerCase());
  if (typed === '') problems.push(t('follow.list.err.status', raw.status ?? ''));
  if (raw.waiting && raw.status !== undefined && typed.toLowerCase() !== 'open') problems.push(t('follow.list.err.waitingStatus', typed));
  const owners = (['mine', 'participating', 'all'] as const).filter((k) => raw[k]);
  if (owners.length > 1) problems.push(t('follow.list.err.ownership', owners.map((o) => `--${o}`).join(', ')));
  const organization = raw.organization?.trim() || undefined;
  if (organization !== undefined && owners.length > 0) problems.push(t('follow.list.err.ownership', [...owners.map((o) => `--${o}`), '--organization'].join(', ')));
  let limit = 50;
  if (raw.limit !== undefined) {
    limit = /^\d+$/.test(raw.limit.trim()) ? Number(raw.limit) : -1;
    if (limit < 0) problems.push(t('follow.list.err.limit', raw.limit));
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    // A status by name is looked for among all requests; open/closed narrow it on the portal.
    status: named ? 'all' : (typed.toLowerCase() as ListOptions['status']),
    ...(named && typed !== '' ? { statusName: typed } : {}),
    ...(raw.waiting ? { waiting: true } : {}),
    ownership: owners[0] ?? 'default',
    ...(raw.search !== undefined && raw.search !== '' ? { search: raw.search } : {}),
    ...(raw.serviceDesk !== undefined && raw.serviceDesk !== '' ? { serviceDesk: raw.serviceDesk } : {}),
    ...(organization !== undefined ? { organization } : {}),
    limit,
  };
}

export const register = defineCommand<[], RawListFlags>((t) => ({
  name: 'list',
  description: t('follow.list.description'),
  flags: [
    ['--status <status>', t('follow.list.opt.statusName'), 'open'],
    ['--waiting', t('follow.list.opt.waiting')],
    ['--mine', t('follow.list.opt.mine')],
    ['--participating', t('follow.list.opt.participating')],
    ['--all', t('follow.list.opt.all')],
    ['--search <text>', t('follow.list.opt.search')],
    ['--service-desk <id|name>', t('follow.list.opt.serviceDesk')],
    ['--limit <n>', t('follow.list.opt.limit'), '50'],
    ['--organization <id|name>', t('kb.list.opt.organization')],
  ],
  examples: [
    'support list',
    'support list --status all --limit 0 --json > requests.json',
    'support list --participating --search "PDF export"',
    'support list --waiting',
    'support list --status "waiting for customer"',
    'support list --status closed | cut -f1,4',
  ],
  action: (ctx, _args, flags) => runList(listOptions(flags, ctx.t), ctx),
}));

/**
 * Prints the customer's requests, newest activity first (the portal's order), as they arrive:
 * a table on a TTY, tab-separated lines in a pipe, a JSON array with --json. Only one screenful is
 * kept in memory (to size the table), whatever the count.
 */
export async function runList(opts: ListOptions, ctx: Ctx): Promise<{ count: number }> {
  const [{ withPortal }, render] = await Promise.all([import('../shared/common.js'), import('../shared/list-render.js')]);
  return withPortal(ctx, async (api) => {
    const serviceDeskId = opts.serviceDesk === undefined ? undefined : await render.resolveServiceDesk(api, opts.serviceDesk, ctx.t);
    const only = await render.statusFilter(api, opts, ctx.t);
    const org = opts.organization === undefined ? undefined : await (await import('../shared/organizations.js')).resolveOrganization(api, opts.organization, ctx.t);
    const pageSize = opts.limit > 0 ? Math.min(opts.limit, 100) : 100;
    const items = api.requests({
      status: opts.status === 'open' ? 'OPEN_REQUESTS' : opts.status === 'closed' ? 'CLOSED_REQUESTS' : 'ALL_REQUESTS',
      ...(opts.ownership === 'mine'
        ? { ownership: ['OWNED_REQUESTS'] }
        : opts.ownership === 'participating'
          ? { ownership: ['PARTICIPATED_REQUESTS'] }
          : opts.ownership === 'all'
            ? { ownership: ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS', 'ALL_ORGANIZATIONS'] }
            : {}),
      ...(org ? { ownership: ['ORGANIZATION'], organizationId: org.id } : {}),
      ...(opts.search !== undefined ? { searchTerm: opts.search } : {}),
      ...(serviceDeskId !== undefined ? { serviceDeskId } : {}),
      pageSize,
    });
    return render.printRequests(only ? render.filtered(items, only) : items, opts.limit, ctx, api);
  });
}
