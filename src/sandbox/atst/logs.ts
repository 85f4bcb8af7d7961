/**
 * What a simulated node's support zip holds: an application log, a configuration file and a
 * thread dump written the way Jira writes them, each with secrets planted where real servers leak
 * them (a JDBC URL, a Bearer header, an AWS key pair, a private key, a `<password>` element), plus
 * `zip-stats.json` as ATST adds it.
 */
import zlib from 'node:zlib';

/** A file of a node's zip. */
export interface ZipFileContent {
  name: string;
  data: Buffer;
  mtime: Date;
}

/** A value that looks random but is the same for the same seed (every node's secrets differ). */
function token(seed: string, n: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  while (out.length < n) {
    h = (Math.imul(h ^ (h >>> 13), 0x5bd1e995) + 0x9e3779b9) >>> 0;
    out += alphabet[h % alphabet.length];
  }
  return out;
}

/** The secrets planted in a node's zip (the sandbox's own; tests check none survives a bundle). */
export function plantedSecrets(nodeId: string): string[] {
  return [
    `SbxDb${token(`${nodeId}db`, 14)}`,
    `SbxBearer${token(`${nodeId}bearer`, 32)}`,
    `AKIAZQ${token(`${nodeId}akid`, 14).toUpperCase()}`,
    `Zq${token(`${nodeId}aws`, 38)}`,
    `SbxKey${token(`${nodeId}pem`, 40)}`,
    `SbxCfg${token(`${nodeId}cfg`, 12)}`,
  ];
}

/** The files of a node's zip, made at `now`. */
export function nodeFiles(nodeId: string, now: Date, lines = 400): ZipFileContent[] {
  const [db, bearer, akid, aws, pem, cfg] = plantedSecrets(nodeId);
  const ts = (i: number) => new Date(now.getTime() - (lines - i) * 1000).toISOString().replace('T', ' ').replace('Z', '+0000');
  const log: string[] = [];
  for (let i = 0; i < lines; i++) {
    log.push(`${ts(i)} http-nio-8080-exec-${i % 8} INFO admin ${i}x1 /rest/api/2/issue [c.a.jira.web.Filter] request ${i} on ${nodeId} took ${(i * 7) % 300} ms`);
    if (i === 40) log.push(`${ts(i)} main INFO [c.a.jira.db] Connecting to jdbc:postgresql://db.internal:5432/jira?user=jira&password=${db}`);
    if (i === 120) log.push(`${ts(i)} http-nio-8080-exec-3 DEBUG [o.a.http.wire] >> "Authorization: Bearer ${bearer}"`);
    if (i === 200) log.push(`${ts(i)} plugin-scan WARN [c.a.s3.Client] using AWS_ACCESS_KEY_ID=${akid} AWS_SECRET_ACCESS_KEY=${aws}`);
    if (i === 300) log.push(`${ts(i)} main ERROR [c.a.ssl] cannot load key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow${pem}\n${pem}AQAB\n-----END RSA PRIVATE KEY-----`);
  }
  const dbconfig = `<?xml version="1.0" encoding="UTF-8"?>\n<jira-database-config>\n  <jdbc-datasource>\n    <url>jdbc:postgresql://db.internal:5432/jira</url>\n    <username>jira</username>\n    <password>${cfg}</password>\n  </jdbc-datasource>\n</jira-database-config>\n`;
  const dump = `"main" #1 prio=5 os_prio=0 tid=0x00007f nid=0x1 runnable\n   java.lang.Thread.State: RUNNABLE\n\tat java.base/java.lang.Thread.sleep(Native Method)\n`;
  const stats = JSON.stringify({ durationFormatted: '0:00:01', durationMillis: 1234 });
  return [
    { name: 'application-logs/atlassian-jira.log', data: Buffer.from(log.join('\n') + '\n'), mtime: now },
    { name: 'application-config/dbconfig.xml', data: Buffer.from(dbconfig), mtime: now },
    { name: 'thread-dump/thread-dump-1.txt', data: Buffer.from(dump), mtime: now },
    { name: 'zip-stats.json', data: Buffer.from(stats), mtime: now },
  ];
}

/** A file as a deflated zip entry (what `ZipWriter.add` takes). */
export function deflated(f: ZipFileContent): { meta: { name: string; method: 8; crc: number; csize: number; size: number; mtime: Date }; data: Buffer } {
  const data = zlib.deflateRawSync(f.data);
  return { meta: { name: f.name, method: 8, crc: zlib.crc32(f.data) >>> 0, csize: data.length, size: f.data.length, mtime: f.mtime }, data };
}
