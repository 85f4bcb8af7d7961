import { CliError, UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import type { CustomerRequestDTO } from '../../portal/types.js';
import { theme } from '../../ui/theme.js';
import { layoutTable } from '../../ui/table.js';
import type { Ctx } from '../context.js';
import type { ListItem } from '../json-types.js';
import { findStatus, impactOf, isoOf, isWaitingForCustomer, portalNow, portalStatuses, relative, shortImpact, statusOf, summaryOf } from './common.js';

/** A request as one list item (the --json element). */
export function listItem(r: CustomerRequestDTO): ListItem {
  const status = r.currentStatus;
  return {
    key: r.issueKey ?? r.issueId ?? '',
    status: status?.status ?? '',
    statusCategory: status?.statusCategory ?? '',
    impact: impactOf(r.requestFieldValues),
    summary: summaryOf(r),
    requestTypeId: r.requestTypeId ?? '',
    serviceDeskId: r.serviceDeskId ?? '',
    created: isoOf(r.createdDate),
    // The customer API gives no date of the latest activity (a comment, an attachment): only the
    // last status change, which is what this is, and what the table's column is called.
    updated: isoOf(status?.statusDate) || isoOf(r.createdDate),
    url: r._links?.web ?? '',
  };
}

/** `--service-desk` by id, project key or name (case-insensitive); unknown -> exit 2 naming the known ones. */
export async function resolveServiceDesk(api: PortalApi, wanted: string, t: Ctx['t']): Promise<string> {
  const w = wanted.trim().toLowerCase();
  const known: string[] = [];
  for await (const d of api.serviceDesks()) {
    if (d.id === wanted.trim() || d.projectKey?.toLowerCase() === w || d.projectName?.toLowerCase() === w) return d.id!;
    known.push(`${d.id ?? '?'} (${d.projectName ?? d.projectKey ?? ''})`);
  }
  throw new UsageError(t('follow.list.err.serviceDesk', wanted), {
    ...(known.length > 0 ? { hint: t('follow.list.knownServiceDesks', known.join(', ')) } : {}),
  });
}

/**
 * Which requests `--status NAME` or `--waiting` keep (undefined: all the portal lists). A name is
 * checked against the portal's statuses where it lists them (exit 2 naming them) and matched
 * case-insensitively; "waiting" is what the portal calls waiting for the customer.
 */
export async function statusFilter(
  api: PortalApi,
  opts: { statusName?: string; waiting?: boolean },
  t: Ctx['t'],
): Promise<((r: CustomerRequestDTO) => boolean) | undefined> {
  const name = opts.statusName;
  if (name !== undefined) {
    const known = await portalStatuses(api);
    const hit = known ? findStatus(name, known) : name;
    if (hit === undefined) throw new UsageError(t('follow.list.err.statusUnknown', name, known!.join(', ')));
    const want = hit.toLowerCase();
    return (r) => (r.currentStatus?.status ?? '').trim().toLowerCase() === want;
  }
  if (opts.waiting) return (r) => isWaitingForCustomer(r.currentStatus?.status);
  return undefined;
}

/** The requests `keep` accepts, as they arrive. */
export async function* filtered(items: AsyncIterable<CustomerRequestDTO>, keep: (r: CustomerRequestDTO) => boolean): AsyncIterable<CustomerRequestDTO> {
  for await (const r of items) if (keep(r)) yield r;
}

const TSV_SAFE = /[\t\r\n]+/g;

/** Writes requests as they arrive; stops after `limit` (0 = all). */
export async function printRequests(
  items: AsyncIterable<CustomerRequestDTO>,
  limit: number,
  ctx: Ctx,
  api?: PortalApi,
): Promise<{ count: number }> {
  const { io, t } = ctx;
  let count = 0;
  const json = ctx.globals.json ? ctx.output.jsonArray() : undefined;
  const tty = io.stdoutIsTTY && !json;
  const c = theme(io.color && io.stdoutIsTTY);
  const header = [t('follow.list.col.key'), t('follow.list.col.status'), t('follow.list.col.impact'), t('follow.list.col.summary'), t('follow.list.col.statusChanged')];
  // Read once the portal has answered: its Date tells the portal's present.
  const now = () => (api ? portalNow(api, ctx) : ctx.clock.now());
  let buffered: ListItem[] | undefined = tty ? [] : undefined;
  let layout: ReturnType<typeof layoutTable> | undefined;
  const cells = (x: ListItem) => [x.key, x.status, shortImpact(x.impact), x.summary, relative(t, Date.parse(x.updated) || undefined, now())];
  const catColour = (x: ListItem) => (x.statusCategory === 'DONE' ? c.green : x.statusCategory === 'NEW' ? c.cyan : c.yellow);

  const flushTable = () => {
    if (!buffered) return;
    if (buffered.length === 0) {
      buffered = undefined;
      return;
    }
    const rows = buffered.map(cells);
    layout = layoutTable([header, ...rows], { columns: io.columns, flex: 3, max: [16, 28, 12, undefined, 14], minFlex: 12 });
    io.out(c.bold(layout.row(header)));
    buffered.forEach((x, i) => io.out(layout!.row(rows[i]!, [c.bold, catColour(x)])));
    buffered = undefined;
  };

  try {
    for await (const r of items) {
      const item = listItem(r);
      if (json) {
        json.push(item);
      } else if (tty) {
        if (buffered) {
          buffered.push(item);
          // One screenful sizes the columns; later rows stream with the same widths.
          if (buffered.length >= 50) flushTable();
        } else {
          io.out(layout!.row(cells(item), [c.bold, catColour(item)]));
        }
      } else {
        io.out([item.key, item.status, item.impact, item.summary, item.updated].map((s) => s.replace(TSV_SAFE, ' ')).join('\t'));
      }
      count++;
      if (limit > 0 && count >= limit) break;
    }
  } catch (err) {
    // Close what was printed, so a script still reads valid JSON before the error.
    if (json && count > 0) json.end();
    if (statusOf(err) === 404) throw new CliError(t('follow.list.err.notFound'), { cause: err });
    throw err;
  }
  if (json) json.end();
  else if (tty) flushTable();
  if (count === 0) io.err(t('follow.list.none'));
  return { count };
}
