import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigFile } from '../src/bundle/redact-rules.js';
import { MAX_LINE, redactBuffer, Redactor } from '../src/bundle/redact.js';
import { Obfuscator } from '../src/bundle/obfuscate.js';

const dir = path.join(import.meta.dirname, 'fixtures/bundle/redact');
const goldens = fs.readdirSync(dir).filter((f) => !f.endsWith('.expected'));

/** Feeds `input` to a Redactor in pieces cut at `cuts`. */
function streamed(input: Buffer, cuts: number[], config = false): Buffer {
  const r = new Redactor({ config });
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(r.push(input.subarray(at, c)));
    at = c;
  }
  out.push(r.push(input.subarray(at)), r.end());
  return Buffer.concat(out);
}

describe('redaction golden files', () => {
  it('has a golden for every rule', () => {
    const rules = new Set<string>();
    for (const f of goldens) {
      const { counts } = redactBuffer(fs.readFileSync(path.join(dir, f)), { config: isConfigFile(f) });
      for (const k of Object.keys(counts)) rules.add(k);
    }
    expect([...rules].sort()).toEqual(
      ['api-key', 'atlassian-token', 'authorization', 'aws-access-key-id', 'aws-secret-key', 'jdbc-password', 'jwt', 'keystore', 'license', 'password', 'private-key', 'secret', 'url-password'].sort(),
    );
  });

  for (const f of goldens) {
    it(`${f} matches its golden, whole and fed byte by byte`, () => {
      const input = fs.readFileSync(path.join(dir, f));
      const expected = fs.readFileSync(path.join(dir, `${f}.expected`));
      const config = isConfigFile(f);
      expect(redactBuffer(input, { config }).output.toString('latin1')).toBe(expected.toString('latin1'));
      const everyByte = Array.from({ length: input.length }, (_, i) => i);
      expect(streamed(input, everyByte, config).equals(expected)).toBe(true);
    });
  }
});

// Secret values carry a recognisable body so the test can look for any surviving piece of them.
const body = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `Zq${s}`);
const shapes: ((v: string) => string)[] = [
  (v) => `db.password=${v}`,
  (v) => `"apiKey": "${v}"`,
  (v) => `-Djavax.net.ssl.keyStorePassword=${v}`,
  (v) => `export JIRA_TOKEN=${v}`,
  (v) => `Authorization: Bearer ${v}`,
  (v) => `Authorization: Basic ${v}==`,
  (v) => `jdbc:postgresql://jira:${v}@db:5432/jira`,
  (v) => `jdbc:oracle:thin:scott/${v}@db:1521:orcl`,
  (v) => `eyJhbGciOi${v}.eyJzdWIi${v}.${v}`,
  (v) => `ATATT3xFfGF0${v}${v}`,
  (v) => `aws_secret_access_key=${v}`,
  (v) => `secret: ${v}`,
  (v) => `-----BEGIN PRIVATE KEY-----\n${v}\n${v}\n-----END PRIVATE KEY-----`,
];
// Words that cannot form any rule's match; multibyte text and both line endings included.
const safeWord = fc.constantFrom('INFO', 'http-nio-8080', 'user', 'bob', '日本語', 'é', '[main]', '2024-03-14', '12:00:01,123', 'GET', '/rest/api', '200', 'ok', '—', 'a.b.c', '(x)', '{}', '%');
const safeLine = fc.array(safeWord, { maxLength: 12 }).map((w) => w.join(' '));
const eol = fc.constantFrom('\n', '\r\n');

describe('redaction properties', () => {
  it('no planted secret survives, wherever it lands and however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(safeLine, eol), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: shapes.length - 1 }), body, safeLine), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, plants, cutSeeds) => {
          const text = lines.map(([l, e]) => l + e);
          const secrets: string[] = [];
          for (const [pos, shape, v, prefix] of plants) {
            secrets.push(v);
            text.splice(pos % (text.length + 1), 0, `${prefix} ${shapes[shape]!(v)} end\n`);
          }
          const input = Buffer.from(text.join(''), 'utf8');
          const cuts = cutSeeds.map((c) => c % (input.length + 1));
          const out = streamed(input, cuts).toString('utf8');
          for (const s of secrets) expect(out).not.toContain(s.slice(2, 10));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('text without secrets comes through byte for byte', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(safeLine, eol), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cutSeeds) => {
        const input = Buffer.from(lines.map(([l, e]) => l + e).join(''), 'utf8');
        const cuts = cutSeeds.map((c) => c % (input.length + 1));
        expect(streamed(input, cuts).equals(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('redacts a secret in a line longer than the line limit, split at the forced cut', () => {
    const filler = 'x '.repeat(MAX_LINE / 2 + 5000);
    const secret = 'ZqLongLineSecret123';
    for (const where of [MAX_LINE - 64 * 1024 - 10, MAX_LINE - 64 * 1024 + 3, MAX_LINE + 100]) {
      const line = filler.slice(0, where) + ` password=${secret} ` + filler.slice(where) + '\n';
      const input = Buffer.from(line);
      const out = streamed(input, [where, where + 8, where + 64 * 1024, MAX_LINE + 2]).toString();
      expect(out).not.toContain(secret);
      expect(out.length).toBe(line.length - secret.length + '[REDACTED:password]'.length);
    }
  });

  it('redacts a URL password when a forced cut falls anywhere in its scheme, even right before ://', () => {
    // No blank in the 64 KiB before the URL: the cut lands at MAX_LINE, where the input is fed in one piece.
    const secret = 'UrlCutSecret42';
    for (let d = -4; d <= 3; d++) {
      const url = `jdbc:postgresql://dbuser:${secret}@db.example.com/jira`;
      const at = MAX_LINE - 'jdbc:postgresql'.length + d;
      const filler = 'ab,'.repeat(Math.ceil((MAX_LINE + 200 * 1024) / 3));
      const line = filler.slice(0, at) + url + filler.slice(at) + '\n';
      const out = streamed(Buffer.from(line), []).toString();
      expect(out, `offset ${d}`).not.toContain(secret);
      expect(out).toContain('[REDACTED:url-password]');
    }
  });

  it('runs every rule once one has replaced something: a marker can bring the word another rule needs', () => {
    // Only `://` flags this line; the URL's marker puts "password" in the name, which makes the value secret.
    const { output } = redactBuffer(Buffer.from('<Parameter name="ftp://svc:pw1@ftp.example.com" value="S3cretVal"/>\n'));
    expect(output.toString()).not.toContain('S3cretVal');
    expect(output.toString()).not.toContain('pw1');
  });

  it('flags lines case-insensitively: an upper-case JDBC URL loses its password too', () => {
    const { output, counts } = redactBuffer(Buffer.from('url=JDBC:ORACLE:THIN:scott/Tiger123@db.example.com:1521/ORCL\n'));
    expect(output.toString()).not.toContain('Tiger123');
    expect(counts['jdbc-password']).toBe(1);
  });

  it('write() hands out the same bytes as push(), in views it reuses', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('password=hunter2 ', 'x', '\n', 'https://u:p@h/ ', 'é', 'eyJabcdefghij.abcdefghij.sig '), { maxLength: 400 }), fc.nat(), (parts, cut) => {
        const input = Buffer.from(parts.join(''), 'latin1');
        const c = cut % (input.length + 1);
        const viaWrite: Buffer[] = [];
        const w = new Redactor();
        const keep = (b: Buffer) => viaWrite.push(Buffer.from(b));
        w.write(input.subarray(0, c), keep);
        w.write(input.subarray(c), keep);
        w.finish(keep);
        expect(Buffer.concat(viaWrite).equals(streamed(input, [c]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('obfuscates hosts, IPs and e-mails consistently and leaves Java packages alone', () => {
    const o = new Obfuscator(['hosts', 'ips', 'emails'], Buffer.alloc(32, 7));
    const a = o.apply('connect db1.corp.example.com 10.1.2.3 admin@example.com org.apache.catalina.Foo 127.0.0.1');
    const b = new Obfuscator(['hosts', 'ips', 'emails'], Buffer.alloc(32, 7)).apply('again db1.corp.example.com and 10.1.2.3');
    expect(a).toMatch(/^connect host-[0-9a-f]{8}\.example 10\.\d+\.\d+\.\d+ user-[0-9a-f]{8}@example\.invalid org\.apache\.catalina\.Foo 127\.0\.0\.1$/);
    expect(b.split(' ')[1]).toBe(a.split(' ')[1]);
    expect(b.split(' ')[3]).toBe(a.split(' ')[2]);
    expect(a).not.toContain('corp.example.com');
  });
});
