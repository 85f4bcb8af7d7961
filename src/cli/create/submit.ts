import { hasMarker } from '../../form/body.js';
import type { FormState } from '../../form/engine.js';
import { CliError, UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { PortalError } from '../../portal/errors.js';
import type { CustomerRequestDTO, RequestCreateDTO } from '../../portal/types.js';
import type { CreateSession } from './session.js';

/** How many times a person may send again after failures that may have filed the request. */
const MAX_SENDS = 3;

/**
 * Sends the request at most once per confirmation: the draft is marked as sent first, and after a
 * failure that may have reached the portal, the request is looked for by the draft's marker before
 * anything is sent again (only a person may say "send again"; a script stops). A failure that filed
 * nothing keeps the draft for `--resume`.
 */
export async function submit(s: CreateSession, body: RequestCreateDTO): Promise<CustomerRequestDTO> {
  const t = s.ctx.t;
  for (let attempt = 1; ; attempt++) {
    await s.draft.markSubmitted();
    try {
      return await s.api.createRequest(body);
    } catch (e) {
      if (!mayHaveBeenSent(e)) {
        await s.draft.clearSubmitted();
        s.ctx.io.err(t('create.draftKept'));
        throw notFiled(e, s);
      }
      s.ctx.io.err(t('create.ambiguous'));
      const found = await findFiled(s.api, summaryOf(s.draft.state), s.draft.id).catch(() => undefined);
      if (found) {
        s.ctx.io.err(t('create.alreadyFiled', found.issueKey ?? ''));
        return found;
      }
      const again = s.ctx.interactive && attempt < MAX_SENDS && (await (await s.ask()).confirm({ message: t('create.ask.resend'), default: true }));
      if (!again) throw new CliError(t('create.err.ambiguous'), { hint: t('create.hint.resume'), cause: e });
    }
  }
}

/** A resumed draft whose create was sent may already be a request: the one carrying its marker. */
export async function findResumed(s: CreateSession): Promise<CustomerRequestDTO | undefined> {
  if (!s.opts.resume || !s.draft.draft.submittedAt || s.opts.dryRun) return undefined;
  return findFiled(s.api, summaryOf(s.draft.state), s.draft.id);
}

/** Whether a failed create may nevertheless have filed the request: the portal client knows whether the body left. */
function mayHaveBeenSent(err: unknown): boolean {
  return err instanceof PortalError && err.mayHaveBeenSent;
}

/** The error for a create that filed nothing: the portal's refusal is bad input (exit 2), in its own words. */
function notFiled(e: unknown, s: CreateSession): unknown {
  const t = s.ctx.t;
  if (e instanceof PortalError && e.kind === 'validation') {
    return new UsageError(t('create.err.refused', e.portalMessages.join('\n') || e.message), { hint: t('create.hint.resume') });
  }
  if (e instanceof PortalError || e instanceof CliError) return e;
  return new CliError(t('create.err.submit', (e as Error).message ?? String(e)), { hint: t('create.hint.resume'), cause: e });
}

/** Looks for a request carrying the draft's marker: by summary first, then among the latest ones. */
async function findFiled(api: PortalApi, summary: string | undefined, draftId: string): Promise<CustomerRequestDTO | undefined> {
  const scans: AsyncIterable<CustomerRequestDTO>[] = [];
  if (summary) scans.push(api.requests({ searchTerm: summary, status: 'ALL_REQUESTS', pageSize: 50 }));
  scans.push(api.requests({ status: 'ALL_REQUESTS', pageSize: 50 }));
  for (const scan of scans) {
    let n = 0;
    for await (const r of scan) {
      if (hasMarker(r, draftId)) return r;
      if (++n >= 100) break;
    }
  }
  return undefined;
}

function summaryOf(state: FormState): string | undefined {
  const v = state.values.summary;
  return typeof v === 'string' ? v : undefined;
}
