import { spawn } from 'node:child_process';
import os from 'node:os';
import { formatBytes } from '../../lib/units.js';
import type { PortalApi } from '../../portal/api.js';
import type { SlaInformationDTO } from '../../portal/types.js';
import { theme } from '../../ui/theme.js';
import type { Ctx } from '../context.js';
import type { RequestView } from '../json-types.js';
import type { PortalSession } from '../session.js';
import { autoResolveRule, durationText, escalationOf, escalationPortal, fetchRequest, fieldText, humanTime, isoOf, millisOf, notVisible, portalNow, relative, summaryOf } from './common.js';
import { displayWidth, layoutTable } from '../../ui/table.js';
import { textWidth, wrapIndented } from '../../ui/width.js';
import { toArray } from '../../lib/iter.js';
import { attachmentsView, loadAfterAnswer, printable, printAfterAnswer } from './files-view.js';

function slaOf(s: SlaInformationDTO, now: number): RequestView['sla'][number] {
  const cycle = s.ongoingCycle ?? s.completedCycles?.[s.completedCycles.length - 1];
  const ongoing = s.ongoingCycle !== undefined;
  const breachMs = millisOf(cycle?.breachTime);
  const remaining = cycle?.remainingTime?.millis ?? (breachMs !== undefined ? breachMs - now : undefined);
  const breached = Boolean(cycle?.breached) || (ongoing && remaining !== undefined && remaining < 0);
  const state = breached ? 'breached' : ongoing ? (cycle?.paused ? 'paused' : 'running') : 'met';
  return {
    name: s.name ?? '',
    state,
    ...(cycle?.goalDuration?.millis !== undefined ? { goalMs: cycle.goalDuration.millis } : {}),
    ...(ongoing && remaining !== undefined ? { remainingMs: remaining } : {}),
    ...(breachMs !== undefined ? { breachTime: new Date(breachMs).toISOString() } : {}),
  };
}

/**
 * Loads every part of the view: the request, then its lists in parallel (each followed page by page).
 * `session` is the command's: the sandbox's auto-resolve rule is known from its flavor, and this
 * machine's record of escalations files its portal.
 */
export async function loadRequestView(
  api: PortalApi,
  key: string,
  ctx: Ctx,
  session: Pick<PortalSession, 'flavor' | 'portalUrl'>,
): Promise<{ doc: RequestView; now: number }> {
  const flavor = session.flavor;
  const r = await fetchRequest(api, key, ctx.t, ['serviceDesk', 'requestType']);
  const k = r.issueKey ?? key;
  const [history, sla, participants, attachments, comments] = await Promise.all([
    toArray(api.statusHistory(k)),
    toArray(api.sla(k)).catch(() => [] as SlaInformationDTO[]),
    toArray(api.participants(k)),
    toArray(api.attachments(k)),
    toArray(api.comments(k)),
  ]).catch((err: unknown) => {
    throw notVisible(err, k, ctx.t);
  });
  // The portal's present: its own clock where it tells it, and never before the newest thing it reported.
  const events = [...history.map((h) => millisOf(h.statusDate)), ...comments.map((c) => millisOf(c.created)), ...attachments.map((a) => millisOf(a.created))];
  const now = portalNow(api, ctx, Math.max(millisOf(r.createdDate) ?? 0, ...events.filter((x): x is number => x !== undefined)));
  const cur = r.currentStatus;
  const since = millisOf(cur?.statusDate);
  const view: RequestView = {
    key: k,
    id: r.issueId ?? '',
    summary: summaryOf(r),
    url: r._links?.web ?? '',
    serviceDesk: { id: r.serviceDeskId ?? r.serviceDesk?.id ?? '', name: r.serviceDesk?.projectName ?? '' },
    requestType: { id: r.requestTypeId ?? r.requestType?.id ?? '', name: r.requestType?.name ?? '' },
    reporter: { displayName: r.reporter?.displayName ?? '', email: r.reporter?.emailAddress ?? '', accountId: r.reporter?.accountId ?? r.reporter?.name ?? '' },
    created: isoOf(r.createdDate),
    status: { name: cur?.status ?? '', category: cur?.statusCategory ?? '', since: isoOf(cur?.statusDate) },
    history: history
      .map((h) => ({ status: h.status ?? '', category: h.statusCategory ?? '', at: isoOf(h.statusDate), ms: millisOf(h.statusDate) ?? 0 }))
      .sort((a, b) => a.ms - b.ms)
      .map(({ ms: _ms, ...h }) => h),
    fields: (r.requestFieldValues ?? [])
      .filter((f) => f.fieldId !== 'summary' && f.fieldId !== 'attachment')
      .map((f) => ({ id: f.fieldId ?? '', label: f.label ?? f.fieldId ?? '', value: fieldText(f.value) }))
      .filter((f) => f.value !== ''),
    sla: sla.map((s) => slaOf(s, now)),
    participants: participants.map((u) => ({ displayName: u.displayName ?? '', email: u.emailAddress ?? '', accountId: u.accountId ?? u.name ?? '' })),
    attachments: attachmentsView(attachments, k, ctx),
    comments: comments
      .map((c) => ({ id: c.id ?? '', author: c.author?.displayName ?? '', created: isoOf(c.created), body: c.body ?? '', ms: millisOf(c.created) ?? 0 }))
      .sort((a, b) => a.ms - b.ms)
      .map(({ ms: _ms, ...c }) => c),
    commentCount: comments.length,
  };
  const escalation = await escalationOf(api, ctx, escalationPortal(session), r, view.history);
  if (escalation) view.escalation = escalation;
  const rule = autoResolveRule(flavor, cur, view.history.map((h) => h.status));
  if (rule && since !== undefined) {
    const at = since + rule.afterMs;
    view.autoResolve = { at: new Date(at).toISOString(), inMs: at - now, rule: rule.rule };
  }
  Object.assign(view, await loadAfterAnswer(api, k));
  return { doc: view, now };
}

/** The human view, sections in the order an admin reads them. */
export function printView(v: RequestView, comments: RequestView['comments'], ctx: Ctx, now: number): void {
  const { io, t } = ctx;
  const c = theme(io.color && io.stdoutIsTTY);
  const ms = (iso: string) => (iso === '' ? undefined : Date.parse(iso));
  const when = (iso: string) => (iso === '' ? '' : `${humanTime(ctx, ms(iso))} (${relative(t, ms(iso), now)})`);
  const section = (title: string) => {
    io.out('');
    io.out(c.bold(title));
  };
  // On a terminal a row too wide for it puts its value below the label, wrapped by display width.
  const row = (label: string, value: string) => {
    const line = `  ${c.dim(`${label}:`)} ${value}`;
    if (!io.stdoutIsTTY || textWidth(line) <= io.columns) return io.out(line);
    io.out(`  ${c.dim(`${label}:`)}`);
    io.out(wrapIndented(value, io.columns, 4));
  };

  io.out(`${c.bold(v.key)}  ${v.summary}`);
  if (v.url) io.out(c.dim(v.url));
  section(t('follow.view.section.request'));
  row(t('follow.view.status'), `${c.yellow(v.status.name)} ${c.dim(t('follow.view.since', when(v.status.since)))}`);
  if (v.autoResolve) {
    const rule = t(v.autoResolve.rule === 'sandbox' ? 'follow.view.autoResolveRule.sandbox' : 'follow.view.autoResolveRule.atlassian');
    const label = t('follow.view.autoResolve');
    const main =
      v.autoResolve.inMs > 0
        ? t('follow.view.autoResolveIn', durationText(t, v.autoResolve.inMs), humanTime(ctx, ms(v.autoResolve.at)))
        : t('follow.view.autoResolveDue', humanTime(ctx, ms(v.autoResolve.at)));
    const why = t('follow.view.autoResolveWhy', rule);
    // On a terminal the rule goes on a line of its own when the whole would not fit.
    if (io.stdoutIsTTY && displayWidth(`  ${label}: ${main} ${why}`) > io.columns) {
      row(label, main);
      io.out(`    ${c.dim(why)}`);
    } else row(label, `${main} ${c.dim(why)}`);
  }
  if (v.escalation) {
    const how = t(v.escalation.source === 'status' ? 'follow.view.escalation.status' : 'follow.view.escalation.local');
    row(t('follow.view.escalated'), c.red(t('follow.view.escalatedSince', when(v.escalation.at), how)));
  }
  if (v.requestType.name) row(t('follow.view.requestType'), v.requestType.name);
  if (v.serviceDesk.name) row(t('follow.view.serviceDesk'), v.serviceDesk.name);
  if (v.reporter.displayName) row(t('follow.view.reporter'), v.reporter.email ? `${v.reporter.displayName} <${v.reporter.email}>` : v.reporter.displayName);
  row(t('follow.view.created'), when(v.created));

  if (v.fields.length > 0) {
    section(t('follow.view.section.fields'));
    for (const f of v.fields) {
      const lines = f.value.split(/\r?\n/);
      if (lines.length === 1) row(f.label, f.value);
      else {
        io.out(`  ${c.dim(`${f.label}:`)}`);
        for (const l of lines) io.out(l.trim() === '' ? '' : `    ${l}`);
      }
    }
  }

  if (v.sla.length > 0) {
    section(t('follow.view.section.sla'));
    for (const s of v.sla) {
      const text =
        s.state === 'breached'
          ? c.red(s.remainingMs !== undefined ? t('follow.view.sla.breachedBy', durationText(t, -s.remainingMs)) : t('follow.view.sla.breached'))
          : s.state === 'met'
            ? c.green(t('follow.view.sla.met'))
            : s.state === 'paused'
              ? t('follow.view.sla.paused')
              : t('follow.view.sla.remaining', durationText(t, s.remainingMs ?? 0));
      row(s.name, s.goalMs !== undefined ? `${text} ${c.dim(t('follow.view.sla.goal', durationText(t, s.goalMs)))}` : text);
    }
  }

  section(t('follow.view.section.history'));
  for (const h of v.history) io.out(`  ${humanTime(ctx, ms(h.at))}  ${h.status}`);

  if (v.participants.length > 0) {
    section(t('follow.view.section.participants'));
    for (const p of v.participants) io.out(`  ${p.email ? `${p.displayName} <${p.email}>` : p.displayName}`);
  }
  if (v.attachments.length > 0) {
    section(t('follow.view.section.attachments', v.attachments.length));
    // Sizes right-aligned, every column lined up by display width; the file name takes what is left.
    const rows = v.attachments.map((a) => [printable(a.filename), formatBytes(a.size), printable(a.author), humanTime(ctx, ms(a.created))]);
    const table = layoutTable(rows, { columns: io.columns - 2, flex: 0, max: [undefined, 10, 24, 25], minFlex: 16, right: [1] });
    for (const [i, r] of rows.entries()) {
      io.out(`  ${table.row(r, [undefined, c.dim, c.dim, c.dim])}`);
      const download = v.attachments[i]?.download;
      if (download) io.out(`    ${c.dim(download)}`);
    }
  }
  printAfterAnswer(v, ctx);

  section(t('follow.view.section.comments', comments.length, v.commentCount));
  if (comments.length === 0) io.out(`  ${c.dim(t('follow.view.noComments'))}`);
  for (const cm of comments) {
    io.out(`  ${c.bold(cm.author)} ${c.dim(when(cm.created))}`);
    for (const l of attachmentRefs(cm.body, t).split(/\r?\n/)) io.out(l.trim() === '' ? '' : `    ${l}`);
  }
}

/**
 * A comment body with the portal's attachment markup (`!shot.png|thumbnail!`, `[^log.txt] _(32 kB)_`,
 * as JSM writes the files a comment carries) read as the names of the files.
 */
export function attachmentRefs(body: string, t: Ctx['t']): string {
  const names: string[] = [];
  const text = body
    .replace(/!([^!|\n]+)\|thumbnail!|\[\^([^\]\n]+)\](?:\s*_\([^)\n]*\)_)?/g, (_m, img: string | undefined, file: string | undefined) => {
      names.push((img ?? file ?? '').trim());
      return '';
    })
    .replace(/[ \t]+$/gm, '')
    .trim();
  if (names.length === 0) return body;
  const refs = t('follow.view.attached', names.join(', '));
  return text === '' ? refs : `${text}\n${refs}`;
}

/**
 * Opens the URL in a browser when one can be shown: macOS, or a Linux/BSD desktop session
 * (DISPLAY/WAYLAND_DISPLAY) on a terminal. Over SSH with no display the printed URL is the answer;
 * a missing opener never fails the command.
 */
export async function openBrowser(url: string, ctx: Ctx): Promise<boolean> {
  if (!url || !ctx.io.stdoutIsTTY) return false;
  const platform = os.platform();
  let cmd: string;
  let args: string[];
  if (platform === 'darwin') [cmd, args] = ['open', [url]];
  else if (platform === 'win32') [cmd, args] = ['cmd', ['/c', 'start', '""', url]];
  else if (ctx.env.DISPLAY || ctx.env.WAYLAND_DISPLAY) [cmd, args] = [ctx.env.BROWSER || 'xdg-open', [url]];
  else return false;
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env: { ...ctx.env } as NodeJS.ProcessEnv });
      child.on('error', () => resolve(false));
      child.on('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
