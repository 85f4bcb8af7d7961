/**
 * Secrets recognised by their shape rather than by a key name: vendor tokens with a known prefix,
 * Azure keys and SAS signatures, Slack webhooks, an AWS secret key beside its access key id,
 * passwords given to command-line flags, and SMTP authentication.
 */
import { F_AWS, F_CLI, F_KEY, F_LDAP, F_PASS, F_SIG, F_SMTP, F_TOKEN, F_URL, isMarker, lineAt, trimBare, type Rule } from './redact-rule.js';

/** Characters that end a value on a command line or in a log. */
const END = '\\t\\n\\v\\f\\r "\'<>';

function token(name: string, re: RegExp): Rule {
  return { name, family: F_TOKEN, re, replace: (_m, mk) => mk(name) };
}

/** A flag's value, trimmed like any bare value; undefined when it is not one (another flag, a marker). */
function flagValue(m: string[], name: string, mk: (rule: string) => string): string | undefined {
  const [, head = '', value = ''] = m;
  if (isMarker(value)) return undefined;
  const [v, tail] = trimBare(value);
  return v === '' ? undefined : `${head}${mk(name)}${tail}`;
}

/** The shape rules, in the order they run (before the secret-named keys). */
export const TOKEN_RULES: Rule[] = [
  token('github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g),
  token('slack-token', /\bxox[abposre]-[A-Za-z0-9-]{10,}/g),
  token('bitbucket-app-password', /\bATBB[A-Za-z0-9_=.-]{20,}/g),
  token('npm-token', /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g),
  token('google-api-key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g),
  {
    // https://hooks.slack.com/services/T000/B000/XXXX: the path is the secret.
    name: 'slack-webhook',
    family: F_URL,
    re: /(\bhttps?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9_/-]+)/gi,
    replace: (m, mk) => `${m[1]}${mk('slack-webhook')}`,
  },
  {
    // DefaultEndpointsProtocol=https;AccountName=x;AccountKey=...;EndpointSuffix=...
    name: 'azure-key',
    family: F_KEY,
    need: '=',
    re: new RegExp(`(\\b(?:AccountKey|SharedAccessKey)=)([^;${END}]+)`, 'gi'),
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('azure-key')}`),
  },
  {
    // A SAS URL's signature: ...&sig=...
    name: 'azure-sas',
    family: F_SIG,
    re: new RegExp(`([?&;]sig=)([^&#${END}]+)`, 'gi'),
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('azure-sas')}`),
  },
  {
    // An AWS secret key beside an access key id, even without its key name (`s3sync AKIA... wJal...`).
    // The id rule has run first, so the id is a marker by now.
    name: 'aws-secret-key',
    family: F_AWS,
    re: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: (m, mk, offset, input) => {
      const v = m[0]!;
      if (!/[A-Z]/.test(v) || !/[a-z]/.test(v) || !/[0-9/+]/.test(v)) return undefined;
      return lineAt(input, offset).includes('[REDACTED:aws-access-key-id]') ? mk('aws-secret-key') : undefined;
    },
  },
  {
    // `--password X`, `-password X` on a command line (`--password=X` is a key-value).
    name: 'password',
    family: F_PASS,
    // Anchored on the dashes (a leading blank or line start is checked in `replace`): much cheaper.
    re: new RegExp(`(-{1,2}(?:password|passwd|pass|pwd)[ \\t]+)([^${END}-][^${END}]*)`, 'gi'),
    replace: (m, mk, offset, input) => (offset === 0 || ' \t\n'.includes(input[offset - 1]!) ? flagValue(m, 'password', mk) : undefined),
  },
  {
    // mysql -u jira -pSECRET: a password glued to `-p`, on a mysql or mariadb command line.
    name: 'password',
    family: F_CLI,
    need: '-p',
    re: new RegExp(`(?<=[ \\t])(-p)([^${END}-][^${END}]*)`, 'g'),
    replace: (m, mk, offset, input) => (/mysql|mariadb/i.test(lineAt(input, offset)) ? flagValue(m, 'password', mk) : undefined),
  },
  {
    // ldapsearch -D "cn=..." -w SECRET
    name: 'password',
    family: F_LDAP,
    need: '-w',
    re: new RegExp(`(?<=[ \\t])(-w[ \\t]+)([^${END}-][^${END}]*)`, 'g'),
    replace: (m, mk, offset, input) => (/\bldap/i.test(lineAt(input, offset)) ? flagValue(m, 'password', mk) : undefined),
  },
  {
    // AUTH PLAIN <base64 of \0user\0password>, AUTH LOGIN <base64 user>
    name: 'smtp-auth',
    family: F_SMTP,
    re: /(\bAUTH[ \t]+(?:PLAIN|LOGIN|XOAUTH2)[ \t]+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi,
    replace: (m, mk) => `${m[1]}${mk('smtp-auth')}`,
  },
  {
    // AUTH LOGIN: the line after the server's base64 "Password:" prompt is the password.
    name: 'smtp-auth',
    family: F_SMTP,
    re: /(\b334[ \t]+UGFzc3dvcmQ6[ \t]*\r?\n)([A-Za-z0-9+/]+={0,2})(?![A-Za-z0-9+/=])/g,
    replace: (m, mk) => `${m[1]}${mk('smtp-auth')}`,
  },
];

