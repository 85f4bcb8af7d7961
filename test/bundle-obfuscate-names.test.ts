import { describe, expect, it } from 'vitest';
import { Obfuscator } from '../src/bundle/obfuscate.js';

const key = Buffer.alloc(32, 7);

describe('host names in paths (--obfuscate hosts)', () => {
  it('hides a full host name joined to other words by -, _ or .', () => {
    const o = new Obfuscator(['hosts'], key);
    const p = o.applyPath('jira/install/logs/atlassian-jira-gc-jira-node1.example.com.log');
    expect(p).not.toMatch(/node1|example\.com/);
    expect(p).toMatch(/^jira\/install\/logs\/.*host-[0-9a-f]{8}\.example\.log$/);
  });

  it('keeps the words before a known host, and hides its short name where it comes alone', () => {
    const o = new Obfuscator(['hosts'], key);
    o.learnHosts(['/var/log/jira-node1.example.com/x.log']);
    const full = o.applyPath('logs/atlassian-jira-gc-jira-node1.example.com.log');
    expect(full).toBe(`logs/atlassian-jira-gc-${o.host('jira-node1.example.com')}.log`);
    const short = o.applyPath('jira/home/export/support_jira-node1_2026.zip');
    expect(short).not.toContain('node1');
    expect(short).toMatch(/^jira\/home\/export\/support_host-[0-9a-f]{8}_2026\.zip$/);
  });

  it('learns this machine\'s own name, and leaves product words and ordinary names alone', () => {
    const o = new Obfuscator(['hosts'], key);
    o.learnHosts(['jsm-prod-07', 'jira.example.com']);
    expect(o.applyPath('support_jsm-prod-07_2026.log')).not.toContain('jsm-prod-07');
    for (const p of ['jira/home/log/atlassian-jira.log', 'jira/install/logs/catalina.2024-03-13.log', 'confluence.cfg.xml', 'logs/access_log.2024-03-12.gz', 'org.apache.catalina.log']) {
      expect(o.applyPath(p)).toBe(p);
    }
  });

  it('changes nothing without hosts among the kinds', () => {
    const o = new Obfuscator(['ips'], key);
    o.learnHosts(['jira-node1.example.com']);
    expect(o.applyPath('logs/support_jira-node1.example.com_2026.log')).toBe('logs/support_jira-node1.example.com_2026.log');
  });
});
