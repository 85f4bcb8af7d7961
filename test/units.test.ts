import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, parseDuration, parseSize } from '../src/lib/units.js';

describe('units', () => {
  it('parses durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('5d')).toBe(5 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('5x')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('d5')).toBeUndefined();
  });
  it('parses sizes', () => {
    expect(parseSize('100MB')).toBe(100 * 1024 * 1024);
    expect(parseSize('2GB')).toBe(2 * 1024 ** 3);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('42')).toBe(42);
    expect(parseSize('12 parsecs')).toBeUndefined();
  });
  it('formats', () => {
    expect(formatBytes(532)).toBe('532 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3h 5m');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 4h');
  });
});
