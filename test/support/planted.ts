/**
 * A planted-secret Atlassian-like tree: every secret shape a support bundle must mask, each in the
 * file where it lives on a real server (dbconfig.xml, confluence.cfg.xml, crowd.properties, thread
 * dumps, mail logs, `ps` output ...), plus a benign corpus that must come through byte for byte.
 *
 * Each shape lists the pieces of its secret that must not survive anywhere in a bundle (a password
 * with `& ; , ( )` lists the piece after each such character, because a rule that stops at one of
 * them leaves the rest) and the words that must: the key, so the reader still sees what was masked.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** One secret shape, planted in `file` (relative to the tree's root). */
export interface Shape {
  id: string;
  /** Where it lives: `jira-home/…`, `jira-install/…` or `extra/…` (collected with `--path`). */
  file: string;
  /** The lines that hold it, ending in a newline. */
  text: string;
  /** Pieces that must not appear in the bundle (unique to this shape). */
  secrets: string[];
  /** Text that must survive: the key or the context around the secret. */
  keep: string[];
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** A deterministic run of `n` characters of `alphabet`, seeded by `seed`. */
function chars(seed: string, n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  while (out.length < n) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    h = (h + 0x9e3779b9) >>> 0;
    out += alphabet[h % alphabet.length];
  }
  return out;
}

const TS = '2024-03-14 12:00:01,123+0000';
const LICENCE_LINES = [
  'AAABiQ0ODAoPeNp9kV1PgzAUhu/7K5p4zQI6lpCQOwXTOMQI27XzHZsfeq1T',
  `${chars('lic1', 60, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`,
  `${chars('lic2', 60, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`,
  `${chars('lic3', 41, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}==X02mm`,
];
const AWS_SECRET = `Zq${chars('aws-secret', 18)}/${chars('aws-secret2', 19)}`;
const GHP = `ghp_Zq${chars('ghp', 34)}`;
const GHO = `gho_Zq${chars('gho', 34)}`;
const GHS = `ghs_Zq${chars('ghs', 34)}`;
const GH_PAT = `github_pat_11Zq${chars('pat1', 18)}_${chars('pat2', 59)}`;
const SLACK_BOT = `xoxb-1234567890123-1234567890123-Zq${chars('xoxb', 22)}`;
const SLACK_HOOK = `T0ZQ12345/B0ZQ67890/Zq${chars('hook', 22)}`;
const NPM = `npm_Zq${chars('npm', 34)}`;
const GOOGLE = `AIzaSyZq${chars('aiza', 31)}`;
const ATBB = `ATBBZq${chars('atbb', 30)}`;
const AZURE_KEY = `Zq${chars('azure', 84, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}==`;
const SAS_SIG = `Zq${chars('sas', 30)}%2B${chars('sas2', 10)}%3D`;
const SMTP_LOGIN_PW = b64('ZqSmtpLoginPw1');
const SMTP_PLAIN = b64('\0jira-mail@example.com\0ZqSmtpPlainPw2');

/** Every shape: the 19 that leaked before plus the ones that already worked, kept as regressions. */
export const SHAPES: Shape[] = [
  {
    id: 'dbconfig-cdata',
    file: 'jira-home/dbconfig.xml',
    text: '    <password><![CDATA[ZqCdataPw&Amp1;Semi1,Com1(Par1)]]></password>\n',
    secrets: ['ZqCdataPw', 'Amp1;Semi1', 'Semi1,Com1', 'Com1(Par1)'],
    keep: ['<password>', '</password>'],
  },
  {
    id: 'confluence-cdata',
    file: 'extra/confluence-home/confluence.cfg.xml',
    text: '    <property name="hibernate.connection.password"><![CDATA[ZqConfCdata;Semi2]]></property>\n',
    secrets: ['ZqConfCdata', 'Semi2]]'],
    keep: ['name="hibernate.connection.password"'],
  },
  {
    id: 'confluence-licence',
    file: 'extra/confluence-home/confluence.cfg.xml',
    text: `    <property name="atlassian.license.message">${LICENCE_LINES.join('\n')}</property>\n`,
    secrets: [LICENCE_LINES[0]!.slice(0, 30), LICENCE_LINES[1]!.slice(10, 40), LICENCE_LINES[2]!.slice(10, 40), LICENCE_LINES[3]!.slice(5, 35)],
    keep: ['name="atlassian.license.message"', '</property>'],
  },
  {
    id: 'xml-element-whitespace',
    file: 'extra/directory/ldap-directory.xml',
    text: '  <password >\n      ZqSpacedElementPw\n  </password >\n  <ldap:bindPassword\n      type="plain">ZqNsBindPw</ldap:bindPassword>\n',
    secrets: ['ZqSpacedElementPw', 'ZqNsBindPw'],
    keep: ['<password >', '</password >', '</ldap:bindPassword>'],
  },
  {
    id: 'xml-name-value',
    file: 'extra/directory/ldap-directory.xml',
    text: '  <attribute>\n    <name>ldap.password</name>\n    <value>ZqLdapAttrPw</value>\n  </attribute>\n',
    secrets: ['ZqLdapAttrPw'],
    keep: ['<name>ldap.password</name>', '<value>', '</value>'],
  },
  {
    id: 'web-xml-init-param',
    file: 'jira-install/conf/web.xml',
    text: '    <init-param>\n        <param-name>password</param-name>\n        <param-value>ZqInitParamPw</param-value>\n    </init-param>\n',
    secrets: ['ZqInitParamPw'],
    keep: ['<param-name>password</param-name>'],
  },
  {
    id: 'properties-equals',
    file: 'jira-home/jira-config.properties',
    text: 'jira.ldap.bind.password=ZqEqPw&Amp3;Semi3,Com3(Par3)\n',
    secrets: ['ZqEqPw', 'Amp3;Semi3', 'Semi3,Com3', 'Com3(Par3)'],
    keep: ['jira.ldap.bind.password='],
  },
  {
    id: 'properties-colon',
    file: 'jira-home/cluster.properties',
    text: 'jira.node.id : node1\nehcache.peer.discovery.password : ZqColonPw&Amp4\n',
    secrets: ['ZqColonPw', 'Amp4\n'],
    keep: ['ehcache.peer.discovery.password : ', 'jira.node.id : node1'],
  },
  {
    id: 'properties-space',
    file: 'extra/bitbucket-home/shared/bitbucket.properties',
    text: 'jdbc.user      bitbucket\njdbc.password  ZqSpacePw,Com5 (x)\n',
    secrets: ['ZqSpacePw', 'Com5 (x)'],
    keep: ['jdbc.password  ', 'jdbc.user      bitbucket'],
  },
  {
    id: 'crowd-properties',
    file: 'extra/crowd-install/crowd.properties',
    text: [
      '#Crowd client configuration',
      'session.lastvalidation session.lastvalidation',
      'session.tokenkey session.tokenkey',
      'crowd.server.url http\\://localhost\\:8095/crowd/services/',
      'application.name crowd-openid-server',
      'application.password ZqCrowdAppPw',
      'application.login.url http\\://localhost\\:8095/openidserver',
      'session.validationinterval 0',
      'session.isauthenticated session.isauthenticated',
      '',
    ].join('\n'),
    secrets: ['ZqCrowdAppPw'],
    keep: ['application.password ', 'session.tokenkey session.tokenkey', 'application.name crowd-openid-server'],
  },
  {
    id: 'seraph-cookie',
    file: 'jira-install/logs/access_log.2024-03-14',
    text:
      '10.0.0.5 720x1x1 admin [14/Mar/2024:12:00:01 +0000] "GET /secure/Dashboard.jspa HTTP/1.1" 200 5120 31 "https://jira.example.com/" "Mozilla/5.0" "Cookie: JSESSIONID=ZqJsessionId0123ABCD; seraph.rememberme.cookie=12345%3AZqRememberMe0a1b2c3d; atlassian.xsrf.token=B1C2-D3E4"\n',
    secrets: ['ZqJsessionId', 'ZqRememberMe'],
    keep: ['seraph.rememberme.cookie=', 'JSESSIONID=', 'GET /secure/Dashboard.jspa'],
  },
  {
    id: 'azure-account-key',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-3 INFO ServiceRunner [c.a.backup.AzureStore] Backup target DefaultEndpointsProtocol=https;AccountName=jirabackup;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net\n`,
    secrets: [AZURE_KEY.slice(0, 40), AZURE_KEY.slice(40, 80)],
    keep: ['AccountKey=', 'AccountName=jirabackup', 'EndpointSuffix=core.windows.net'],
  },
  {
    id: 'azure-sas',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-3 INFO ServiceRunner [c.a.backup.AzureStore] Uploading https://jirabackup.blob.core.windows.net/backups/jira.zip?sv=2022-11-02&ss=b&srt=o&sp=rw&se=2024-03-15T00:00:00Z&spr=https&sig=${SAS_SIG} done\n`,
    secrets: [SAS_SIG.slice(0, 20), SAS_SIG.slice(20)],
    keep: ['sig=', 'sv=2022-11-02', ' done'],
  },
  {
    id: 'slack-webhook',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} pool-7-thread-1 WARN admin [c.a.jira.plugins.webhooks] Webhook https://hooks.slack.com/services/${SLACK_HOOK} returned 404\n`,
    secrets: [SLACK_HOOK.slice(20)],
    keep: ['https://hooks.slack.com/services/', 'returned 404'],
  },
  {
    id: 'github-tokens',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} http-nio-8080-exec-4 ERROR admin [c.a.j.plugins.dvcs] GitHub rejected ${GHP} (oauth ${GHO}, app ${GHS}) and ${GH_PAT}\n`,
    secrets: [GHP.slice(4), GHO.slice(4), GHS.slice(4), GH_PAT.slice(11, 50)],
    keep: ['GitHub rejected', '(oauth'],
  },
  {
    id: 'slack-token',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-2 INFO ServiceRunner [c.a.notify.slack] Using bot ${SLACK_BOT} for #jira-alerts\n`,
    secrets: [SLACK_BOT.slice(5)],
    keep: ['Using bot', 'for #jira-alerts'],
  },
  {
    id: 'bitbucket-app-password',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} http-nio-8080-exec-9 WARN admin [c.a.j.plugins.dvcs.bitbucket] Bitbucket app password ${ATBB} expired\n`,
    secrets: [ATBB.slice(4)],
    keep: ['Bitbucket app password', 'expired'],
  },
  {
    id: 'npm-token',
    file: 'extra/build/ci.log',
    text: `npm config set //registry.npmjs.org/:_authToken ${NPM}\n`,
    secrets: [NPM.slice(4)],
    keep: ['npm config set'],
  },
  {
    id: 'google-api-key',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-1 INFO ServiceRunner [c.a.maps.Geocoder] Geocoding with ${GOOGLE} for 3 addresses\n`,
    secrets: [GOOGLE.slice(4)],
    keep: ['Geocoding with', 'for 3 addresses'],
  },
  {
    id: 'aws-pair-without-names',
    file: 'extra/diag/shell-history.txt',
    text: `aws configure set default.region eu-west-1\nAWS_PROFILE=backup ./s3sync AKIAZQ${chars('akid', 14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')} ${AWS_SECRET} s3://jira-backups/\n`,
    secrets: [AWS_SECRET.slice(0, 20), AWS_SECRET.slice(20)],
    keep: ['./s3sync', 's3://jira-backups/'],
  },
  {
    id: 'command-line-password',
    file: 'extra/diag/ps.txt',
    text: [
      'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
      'root      4242  0.0  0.1  12345  6789 ?        S    12:00   0:00 /usr/bin/mysqldump -u jira -pZqMysqlPw&Amp6 jiradb',
      'jira      4243  0.0  0.1  12345  6789 ?        S    12:00   0:00 /opt/tools/sync --user admin --password ZqDashDashPw(Par6) --verbose',
      'jira      4244  9.9 20.0 999999 99999 ?        Sl   11:00  42:00 /opt/atlassian/jira/jre/bin/java -Djira.home=/var/atlassian/application-data/jira -Datlassian.recovery.password=ZqRecoveryPw -Xmx4g',
      '',
    ].join('\n'),
    secrets: ['ZqMysqlPw', 'Amp6 jiradb', 'ZqDashDashPw', 'Par6) --', 'ZqRecoveryPw'],
    keep: ['mysqldump -u jira', '--password', '-Datlassian.recovery.password=', '--verbose', '-Xmx4g'],
  },
  {
    id: 'thread-dump-command-line',
    file: 'jira-home/thread-dumps/jira_threads.2024-03-14_120000.txt',
    text: [
      '4244:',
      'VM Arguments:',
      'jvm_args: -Djira.home=/var/atlassian/application-data/jira -Ddb.password=ZqJvmArgPw;Semi7 -Xms2g',
      'java_command: com.atlassian.jira.startup.Launcher --password ZqLauncherPw',
      '',
    ].join('\n'),
    secrets: ['ZqJvmArgPw', 'Semi7 -Xms', 'ZqLauncherPw'],
    keep: ['-Ddb.password=', '-Xms2g', 'java_command: com.atlassian.jira.startup.Launcher --password'],
  },
  {
    id: 'smtp-auth',
    file: 'jira-home/log/atlassian-jira-outgoing-mail.log',
    text: [
      `${TS} Sending mailitem DEBUG SMTP: Attempt to authenticate using mechanisms: LOGIN PLAIN`,
      'AUTH LOGIN',
      `334 ${b64('Username:')}`,
      b64('jira-mail@example.com'),
      `334 ${b64('Password:')}`,
      SMTP_LOGIN_PW,
      '235 2.7.0 Authentication successful',
      `AUTH PLAIN ${SMTP_PLAIN}`,
      '235 2.7.0 Authentication successful',
      '',
    ].join('\n'),
    secrets: [SMTP_LOGIN_PW, SMTP_PLAIN.slice(8)],
    keep: ['AUTH LOGIN', 'AUTH PLAIN', '235 2.7.0 Authentication successful'],
  },
  {
    id: 'ldap-bind',
    file: 'extra/diag/ldap-check.txt',
    text: 'ldapsearch -x -H ldaps://ldap.example.com -D "cn=jira,ou=svc,dc=example,dc=com" -w ZqLdapBindPw -b "dc=example,dc=com" "(uid=admin)"\n',
    secrets: ['ZqLdapBindPw'],
    keep: ['ldapsearch -x', '-b "dc=example,dc=com"'],
  },
  {
    id: 'mail-url-email-user',
    file: 'jira-home/log/atlassian-jira-incoming-mail.log',
    text: `${TS} Caesium-1-1 INFO ServiceRunner     [c.a.mail.incoming.mailfetcherservice] Connecting to imaps://jira-mail@example.com:ZqImapPw!#%*+-_@imap.example.com:993/INBOX\n`,
    secrets: ['ZqImapPw'],
    keep: ['imaps://jira-mail@example.com:', '@imap.example.com:993/INBOX'],
  },
  {
    id: 'query-password',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} localhost-startStop-1 INFO [c.a.jira.startup] Database URL jdbc:postgresql://db-primary.internal:5432/jiradb?user=jiradbuser&password=ZqQueryPw-1&ssl=true\n`,
    secrets: ['ZqQueryPw'],
    keep: ['&ssl=true', 'user=jiradbuser'],
  },
  {
    id: 'licence-in-properties',
    file: 'extra/bamboo-home/bamboo-license.properties',
    text: `license.string=${LICENCE_LINES[0]}\\\n  ${LICENCE_LINES[1]}\\\n  ${LICENCE_LINES[3]}\n`,
    secrets: [LICENCE_LINES[0]!.slice(0, 30), LICENCE_LINES[1]!.slice(10, 40), LICENCE_LINES[3]!.slice(5, 35)],
    keep: ['license.string='],
  },
  // Shapes that already worked: kept so a new rule cannot break them.
  {
    id: 'authorization-basic',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} http-nio-8080-exec-1 DEBUG [c.a.j.r.client] Calling https://api.example.com/v2/sync with header Authorization: Basic ${b64('svc-sync:ZqBasicPw9')}\n`,
    secrets: [b64('svc-sync:ZqBasicPw9')],
    keep: ['Authorization: Basic '],
  },
  {
    id: 'bearer-and-jwt',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} http-nio-8080-exec-2 DEBUG [c.a.j.r.client] Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJacUp3dFN1YmplY3QifQ.ZqJwtSignature0123456789\n`,
    secrets: ['eyJzdWIiOiJacUp3dFN1YmplY3QifQ', 'ZqJwtSignature'],
    keep: ['Authorization: Bearer '],
  },
  {
    id: 'atlassian-api-token',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-4 INFO [c.a.j.r.client] REST call with api_token=ATATT3xFfGF0Zq${chars('atatt', 60)}\n`,
    secrets: [`Zq${chars('atatt', 60)}`.slice(0, 30)],
    keep: ['REST call with api_token='],
  },
  {
    id: 'aws-named',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} Caesium-1-4 INFO [c.a.j.attachment.s3] S3 attachment store configured: AWS_ACCESS_KEY_ID=AKIAZQ${chars('akid2', 14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')} aws_secret_access_key=Zq${chars('aws3', 38)} region=eu-west-1\n`,
    secrets: [`AKIAZQ${chars('akid2', 14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, `Zq${chars('aws3', 38)}`],
    keep: ['aws_secret_access_key=', 'region=eu-west-1'],
  },
  {
    id: 'jdbc-url-password',
    file: 'jira-home/log/atlassian-jira.log',
    text: `${TS} localhost-startStop-1 INFO [c.a.jira.startup] Reconnecting datasource jdbc:mysql://jira:ZqMysqlUrlPw@mysql.internal:3306/jiradb?useUnicode=true\n`,
    secrets: ['ZqMysqlUrlPw'],
    keep: ['jdbc:mysql://jira:', '@mysql.internal:3306/jiradb'],
  },
  {
    id: 'pem-private-key',
    file: 'extra/certs/jira-sso.pem',
    text: `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAZqPemBody${chars('pem1', 40)}\n${chars('pem2', 64)}\n-----END RSA PRIVATE KEY-----\n`,
    secrets: ['ZqPemBody', chars('pem2', 64).slice(0, 30)],
    keep: ['-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----'],
  },
  {
    id: 'server-xml-attribute',
    file: 'jira-install/conf/server.xml',
    text: '        <Connector port="8443" keystoreFile="/opt/ks.jks" keystorePass="ZqKeystorePw&amp;Amp8" scheme="https"/>\n',
    secrets: ['ZqKeystorePw', 'Amp8"'],
    keep: ['keystorePass="', 'scheme="https"'],
  },
];

/** Files compressed or encoded so the redactor must read them first: each holds one secret. */
export const ENCODED: { id: string; file: string; secret: string; make: (text: string) => Buffer | undefined }[] = [
  { id: 'gzip', file: 'jira-home/log/atlassian-jira.log.1.gz', secret: 'ZqGzipRotatedPw', make: (t) => zlib.gzipSync(t) },
  { id: 'bzip2', file: 'jira-home/log/atlassian-jira.log.2.bz2', secret: 'ZqBzip2RotatedPw', make: (t) => tool('bzip2', ['-c'], t) },
  { id: 'xz', file: 'jira-home/log/atlassian-jira.log.3.xz', secret: 'ZqXzRotatedPw', make: (t) => tool('xz', ['-c'], t) },
  { id: 'zip', file: 'jira-home/log/atlassian-jira.log.4.zip', secret: 'ZqZipRotatedPw', make: (t) => zipOf('atlassian-jira.log.4', t) },
  {
    id: 'utf-16',
    file: 'jira-home/thread-dumps/jstack-windows.txt',
    secret: 'ZqUtf16JvmPw',
    make: (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t.replace(/\n/g, '\r\n'), 'utf16le')]),
  },
];

/** The text planted in an encoded file. */
export function encodedText(secret: string): string {
  return `${TS} main INFO [c.a.jira.startup] JVM Input Arguments: -Djira.home=/var/atlassian/application-data/jira -Ddb.password=${secret} -Xmx4g\n${TS} main INFO [c.a.jira.startup] Started\n`;
}

function tool(cmd: string, args: string[], text: string): Buffer | undefined {
  const r = spawnSync(cmd, args, { input: text });
  return r.status === 0 ? r.stdout : undefined;
}

function zipOf(name: string, text: string): Buffer | undefined {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'planted-zip-'));
  try {
    fs.writeFileSync(path.join(dir, name), text);
    const r = spawnSync('zip', ['-q', '-j', path.join(dir, 'out.zip'), path.join(dir, name)]);
    return r.status === 0 ? fs.readFileSync(path.join(dir, 'out.zip')) : undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The frame each file's shapes are planted in: a file as it looks on a real server. */
const FRAMES: Record<string, [string, string]> = {
  'dbconfig.xml': [
    '<?xml version="1.0" encoding="UTF-8"?>\n<jira-database-config>\n  <name>defaultDS</name>\n  <delegator-name>default</delegator-name>\n  <database-type>postgres72</database-type>\n  <schema-name>public</schema-name>\n  <jdbc-datasource>\n    <url>jdbc:postgresql://db.example.com:5432/jiradb</url>\n    <driver-class>org.postgresql.Driver</driver-class>\n    <username>jiradbuser</username>\n',
    '    <pool-min-size>20</pool-min-size>\n    <pool-max-size>20</pool-max-size>\n  </jdbc-datasource>\n</jira-database-config>\n',
  ],
  'confluence.cfg.xml': [
    '<?xml version="1.0" encoding="UTF-8"?>\n\n<confluence-configuration>\n  <setupStep>complete</setupStep>\n  <setupType>custom</setupType>\n  <buildNumber>9012</buildNumber>\n  <properties>\n    <property name="confluence.setup.server.id">B1C2-D3E4-F5G6-H7I8</property>\n    <property name="hibernate.connection.username">confluence</property>\n',
    '    <property name="lucene.index.dir">${localHome}/index</property>\n  </properties>\n</confluence-configuration>\n',
  ],
  'ldap-directory.xml': ['<?xml version="1.0" encoding="UTF-8"?>\n<directory id="10000" name="Corporate LDAP">\n', '</directory>\n'],
  'web.xml': ['<?xml version="1.0" encoding="UTF-8"?>\n<web-app>\n  <filter>\n    <filter-name>sso</filter-name>\n', '  </filter>\n</web-app>\n'],
  'server.xml': ['<?xml version="1.0" encoding="utf-8"?>\n<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n', '  </Service>\n</Server>\n'],
};

/** What a shape's file holds around it, and the shape itself, when planted alone (for golden files). */
export function framed(file: string, body: string): string {
  const frame = FRAMES[path.basename(file)];
  return frame ? frame[0] + body + frame[1] : body;
}

/** Lines that look like secrets to a careless rule but are not: all must come through byte for byte. */
export function benignText(lines = 10_000): string {
  const head = [
    `${TS} http-nio-8080-exec-3 INFO admin 720x1x1 1abc2de 10.0.0.5 /rest/api/2/issue [c.a.jira.issue] Created issue 3f2504e0-4f89-11d3-9a0c-0305e82c3301 for admin@example.com from 192.168.10.20`,
    `${TS} Caesium-1-1 INFO [c.a.plugin.loader] Plugin jar sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709, md5 d41d8cd98f00b204e9800998ecf8427e`,
    `${TS} http-nio-8080-exec-4 WARN anonymous [c.a.seraph.auth] Basic authentication is disabled; use basic authentication only over HTTPS`,
    `${TS} http-nio-8080-exec-4 WARN anonymous [c.a.seraph.auth] Bearer authentication failed for client 10.20.30.40`,
    `${TS} indexer-1 INFO [c.a.jira.index] Analyzer settings: tokenizer=standard filter=lowercase`,
    `${TS} http-nio-8080-exec-5 DEBUG admin [c.a.j.web.filters] Request header X-Atlassian-Token: no-check from 2001:db8::1`,
    `${TS} Caesium-1-2 INFO [c.a.crowd.directory] Directory settings: passwordPolicy: strict, passwordMaxAttempts: 5`,
    `${TS} Caesium-1-2 INFO [c.a.crowd.directory] Password reset e-mail sent to jane.doe@example.org (request 6ba7b810-9dad-11d1-80b4-00c04fd430c8)`,
    `${TS} main INFO [c.a.jira.startup] Commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 build 9120012 on host jira-node-1.internal`,
    `${TS} http-nio-8080-exec-6 INFO admin [c.a.j.security] Docs say a PEM file starts with -----BEGIN RSA PRIVATE KEY----- and nothing of it is logged here`,
  ];
  const body: string[] = [];
  for (let i = 0; i < lines; i++) {
    body.push(`${TS} http-nio-8080-exec-${(i % 200) + 1} INFO user${i % 37} 720x${i}x1 - 10.0.${i % 256}.${(i * 7) % 256} /browse/JRA-${i} [c.a.jira.web] Viewed issue JRA-${i} in ${i % 500} ms`);
  }
  return [...head, ...body, ''].join('\n');
}

/** Where a planted tree's parts are. */
export interface PlantedTree {
  root: string;
  home: string;
  install: string;
  /** Collected with `--path`. */
  extra: string;
  /** Entry-relative file name -> bytes written, for every planted file. */
  files: Map<string, Buffer>;
  /** The benign corpus's file (relative to root). */
  benign: string;
  /** Encoded files that could be written (a missing `bzip2`, `xz` or `zip` tool leaves one out). */
  encoded: typeof ENCODED;
}

/** Writes the planted tree under `root`. */
export function writePlantedTree(root: string): PlantedTree {
  const files = new Map<string, Buffer>();
  const byFile = new Map<string, string[]>();
  for (const s of SHAPES) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s.text]);
  for (const [file, texts] of byFile) files.set(file, Buffer.from(framed(file, texts.join('')), 'utf8'));
  const benign = 'jira-home/log/atlassian-jira-benign.log';
  files.set(benign, Buffer.from(benignText(), 'utf8'));
  files.set('jira-install/atlassian-jira/WEB-INF/classes/seraph-config.xml', Buffer.from(
    '<security-config>\n  <parameters>\n    <init-param>\n      <param-name>login.cookie.key</param-name>\n      <param-value>seraph.rememberme.cookie</param-value>\n    </init-param>\n  </parameters>\n</security-config>\n',
  ));
  const encoded: typeof ENCODED = [];
  for (const e of ENCODED) {
    const data = e.make(encodedText(e.secret));
    if (!data) continue;
    files.set(e.file, data);
    encoded.push(e);
  }
  for (const [file, data] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), data);
  }
  return { root, home: path.join(root, 'jira-home'), install: path.join(root, 'jira-install'), extra: path.join(root, 'extra'), files, benign, encoded };
}
