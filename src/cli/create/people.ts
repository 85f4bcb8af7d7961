/**
 * Participants and "on behalf of" as real portals take them: the customer API wants Atlassian
 * accountIds (Cloud) or usernames (Data Center), not e-mails. Each e-mail is looked up with the
 * platform user search and replaced by the id of the one active user whose e-mail is exactly it;
 * a value without `@` is already an id and is sent as given.
 */
import type { T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import { isUserSearchDenied, type PortalApi } from '../../portal/api.js';
import type { RequestCreateDTO, UserDTO } from '../../portal/types.js';
import type { PeopleJson } from './json.js';

/** Why an e-mail names no account: nobody has it, several do, or this account may not search users. */
export type Unresolved = 'none' | 'several' | 'denied';

/** What a value given for a participant or the reporter became. */
export interface Person {
  /** As given (an e-mail, or an id). */
  input: string;
  /** The accountId (Cloud) or username (Data Center) to send; absent when it could not be found. */
  id?: string;
  displayName?: string;
  problem?: Unresolved;
}

/** The id a user search answer stands for: accountId on Cloud, the username on Data Center. */
function idOf(u: UserDTO): string | undefined {
  return u.accountId || u.name || undefined;
}

/** Resolves e-mails to account ids once each (the review screen asks again after every edit). */
export class PeopleResolver {
  private readonly known = new Map<string, Person>();
  private denied = false;

  constructor(
    private readonly api: PortalApi,
    private readonly t: T,
  ) {}

  /** Looks up every e-mail not looked up yet, one search each. */
  async resolve(values: readonly string[]): Promise<void> {
    for (const input of new Set(values)) {
      if (this.known.has(input)) continue;
      this.known.set(input, await this.lookUp(input));
    }
  }

  private async lookUp(input: string): Promise<Person> {
    if (!input.includes('@')) return { input, id: input };
    // One refusal answers for every e-mail: the permission does not depend on the query.
    if (this.denied) return { input, problem: 'denied' };
    let users: UserDTO[];
    try {
      users = await this.api.findUsers(input);
    } catch (e) {
      if (!isUserSearchDenied(e)) throw e;
      this.denied = true;
      return { input, problem: 'denied' };
    }
    // Cloud's `query` also matches names and e-mail prefixes: only an exact e-mail counts.
    const want = input.toLowerCase();
    const hits = users.filter((u) => u.active !== false && u.emailAddress?.toLowerCase() === want && idOf(u) !== undefined);
    const ids = [...new Set(hits.map((u) => idOf(u)!))];
    if (ids.length === 0) return { input, problem: 'none' };
    if (ids.length > 1) return { input, problem: 'several' };
    return { input, id: ids[0]!, ...(hits[0]!.displayName ? { displayName: hits[0]!.displayName } : {}) };
  }

  /** What `value` became (after {@link resolve}). */
  person(value: string): Person {
    return this.known.get(value) ?? (value.includes('@') ? { input: value } : { input: value, id: value });
  }

  /** The review screen's text for a value: `ann@example.com → 5b10… (Ann)`, or why it has no id. */
  label(value: string): string {
    const p = this.person(value);
    if (p.id === undefined) return `${value} (${this.t(reasonKey(p.problem))})`;
    if (p.id === value) return value;
    return `${value} → ${p.id}${p.displayName ? ` (${p.displayName})` : ''}`;
  }

  /**
   * Throws a usage error (exit 2) naming every value of `values` without an id, with how to pass an
   * id instead. Call after {@link resolve}.
   */
  check(values: readonly string[]): void {
    const bad = [...new Set(values)].map((v) => this.person(v)).filter((p) => p.id === undefined);
    if (bad.length === 0) return;
    const t = this.t;
    throw new UsageError(t('create.err.unresolved', bad.map((p) => `${p.input} (${t(reasonKey(p.problem))})`).join(', ')), {
      hint: t('create.hint.unresolved'),
    });
  }

  /** The body with each participant and the reporter replaced by its id. */
  apply(body: RequestCreateDTO): RequestCreateDTO {
    const out = { ...body };
    if (out.requestParticipants) out.requestParticipants = [...new Set(out.requestParticipants.map((v) => this.person(v).id ?? v))];
    if (out.raiseOnBehalfOf) out.raiseOnBehalfOf = this.person(out.raiseOnBehalfOf).id ?? out.raiseOnBehalfOf;
    return out;
  }

  /** `--json`'s view: what was given and what was sent, for the participants and the reporter in `body`. */
  json(given: { participants?: readonly string[]; onBehalfOf?: string }): PeopleJson {
    const one = (v: string) => ({ input: v, id: this.person(v).id ?? null });
    return {
      ...(given.participants?.length ? { participants: given.participants.map(one) } : {}),
      ...(given.onBehalfOf ? { onBehalfOf: one(given.onBehalfOf) } : {}),
    };
  }
}

function reasonKey(p: Unresolved | undefined): 'create.unresolved.none' | 'create.unresolved.several' | 'create.unresolved.denied' {
  return p === 'several' ? 'create.unresolved.several' : p === 'denied' ? 'create.unresolved.denied' : 'create.unresolved.none';
}
