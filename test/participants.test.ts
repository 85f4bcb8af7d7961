/**
 * `support participants KEY [--add WHO]... [--remove WHO]...` on both sandbox flavours: e-mails
 * looked up as `create` does, Cloud account ids and Data Center usernames taken as given, the
 * traffic valid against the JSM spec; bad input exits 2 with nothing changed.
 */
import { describe, expect, it } from 'vitest';
import type { ParticipantsJson } from '../src/cli/json-types.js';
import { API } from './support/follow-sandbox.js';
import { sandboxForDescribe } from './support/kb-flow.js';
import { runCli } from './support/harness.js';

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`support participants on the ${flavor} sandbox`, () => {
    const box = sandboxForDescribe({ flavor });

    const colleague = () => box().h.users[1]!;
    /** How the flavour names the colleague: accountId on Cloud, username on Data Center. */
    const colleagueId = (): string => (flavor === 'dc' ? colleague().username! : colleague().accountId);
    const writes = () => box().exchanges.filter((x) => x.path.endsWith('/participant') && x.method !== 'GET');
    const participantsOf = async (key: string) => ((await box().call('GET', `${API}/request/${key}/participant`)).json.values as unknown[]).length;

    it('lists none, adds by e-mail, lists, removes by id; --json gives what was sent and who participates', async () => {
      const key = await box().create('Who sees this');
      const none = await box().cli(['participants', key]);
      expect(none.code).toBe(0);
      expect(none.stdout).toBe('');
      expect(none.stderr).toContain(`${key} has no participants.`);

      const add = await box().cli(['participants', key, '--add', colleague().email, '--json']);
      expect(add.code, add.stderr).toBe(0);
      const doc = JSON.parse(add.stdout) as ParticipantsJson;
      expect(doc).toEqual({
        key,
        added: [{ input: colleague().email, id: colleagueId() }],
        removed: [],
        participants: [{ id: colleagueId(), displayName: 'Another Customer', email: colleague().email }],
      });

      const tty = await box().cli(['participants', key], { tty: true });
      expect(tty.stdout).toMatch(/Name\s+E-mail\s+Account id \/ username\n.*Another Customer\s+colleague@sandbox\.invalid\s+/);
      const pipe = await box().cli(['participants', key]);
      expect(pipe.stdout).toBe(`${colleagueId()}\tAnother Customer\t${colleague().email}\n`);

      const rm = await box().cli(['participants', key, '--remove', colleagueId()]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stderr).toContain(`Removed from ${key}: ${colleagueId()}`);
      expect(await participantsOf(key)).toBe(0);
    });

    it('an unknown person among several: exit 2 naming them, nobody added, nothing sent', async () => {
      const key = await box().create('Nobody half-added');
      const before = writes().length;
      const r = await box().cli(['participants', key, '--add', colleague().email, '--add', 'ghost@example.com']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/ghost@example\.com/);
      expect(writes().length).toBe(before);
      expect(await participantsOf(key)).toBe(0);
    });

    it('an id the portal does not know: the portal refuses the one call, exit 2, nothing changed', async () => {
      const key = await box().create('Unknown id');
      const r = await box().cli(['participants', key, '--add', colleagueId(), '--add', 'no-such-user-1234']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refused the change[\s\S]*no-such-user-1234/);
      expect(await participantsOf(key)).toBe(0);
    });

    it('removing someone who does not participate, or adding and removing the same person: exit 2, nothing sent', async () => {
      const key = await box().create('Not a participant');
      const before = writes().length;
      const r = await box().cli(['participants', key, '--remove', colleague().email]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`not a participant of ${key}: ${colleague().email}`);
      const both = await box().cli(['participants', key, '--add', colleague().email, '--remove', colleague().email]);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/both added and removed/);
      expect(writes().length).toBe(before);
    });

    it("a request the customer cannot see exits 2 with the usual words", async () => {
      const theirs = await box().create("Colleague's request", { as: 1 });
      const r = await box().cli(['participants', theirs, '--add', colleague().email]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`request ${theirs} was not found, or you are not allowed to see it`));
      const bad = await box().cli(['participants', 'not-a-key']);
      expect(bad.code).toBe(2);
    });
  });
}

describe('participants help', () => {
  it('has examples, Japanese included', async () => {
    const r = await runCli(['--lang', 'ja', 'participants', '--help']);
    expect(r.stdout).toMatch(/support participants SUP-12 --add ann@example\.com/);
    expect(r.stdout).toContain('田中@example.co.jp');
    expect(r.stdout).toContain('リクエストを共有する参加者を表示・追加・削除します');
  });
});
