// Boundary tests for HumanDuration / ShortHumanDuration / translateTimestampSince (contract §6.4 age table).

import { describe, expect, it } from 'vitest';
import { humanDuration, parseGoDuration, parseTimestamp, shortHumanDuration, translateTimestampSince } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [119 * S + 999, '119s'],
    [120 * S, '2m'],
    [121 * S, '2m1s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 30 * S, '10m'],
    [179 * M + 59 * S, '179m'],
    [180 * M, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [49 * H, '2d1h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [729 * D + 23 * H, '729d'],
    [730 * D, '2y'],
    [731 * D, '2y1d'],
    [(7 * 365 + 364) * D, '7y364d'],
    [8 * 365 * D, '8y'],
    [20 * 365 * D + 100 * D, '20y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it.each([
    [-1, '0s'],
    [-500, '0s'],
    [-1000, '0s'],
    [-1999, '0s'],
    [-2000, '<invalid>'],
    [-60 * S, '<invalid>'],
  ])('negative %d ms → %s (up to ~2s of skew tolerated)', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('shortHumanDuration', () => {
  it.each([
    [-2000, '<invalid>'],
    [-1000, '0s'],
    [59 * S, '59s'],
    [60 * S, '1m'],
    [59 * M + 59 * S, '59m'],
    [60 * M, '1h'],
    [23 * H + 59 * M, '23h'],
    [24 * H, '1d'],
    [364 * D, '364d'],
    [365 * D, '1y'],
    [3 * 365 * D, '3y'],
  ])('%d ms → %s', (ms, want) => {
    expect(shortHumanDuration(ms)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = Date.parse('2026-11-22T01:44:00Z');
  it.each([
    [undefined, '<unknown>'],
    [null, '<unknown>'],
    ['', '<unknown>'],
    ['not a time', '<unknown>'],
    ['0001-01-01T00:00:00Z', '<unknown>'],
    ['2026-11-22T00:41:00Z', '63m'],
    ['2026-11-22T01:43:15Z', '45s'],
    ['2026-11-22T01:44:00Z', '0s'],
    ['2026-11-22T01:44:01Z', '0s'],
    ['2026-11-22T01:44:01.999Z', '0s'],
    ['2026-11-22T01:44:02Z', '<invalid>'],
    ['2026-11-22T01:43:59.123456Z', '0s'],
  ])('%s → %s', (ts, want) => {
    expect(translateTimestampSince(ts, now)).toBe(want);
  });

  it('parses MicroTime and treats the Go zero time as absent', () => {
    expect(parseTimestamp('2026-11-22T01:43:59.123456Z')).toBe(Date.parse('2026-11-22T01:43:59.123Z'));
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp(42)).toBeUndefined();
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000], ['500ms', 500], ['1m30s', 90_000], ['1.5h', 5_400_000], ['0', 0], ['-2m', -120_000], ['250us', 0.25],
    ['', undefined], ['10', undefined], ['s', undefined], ['10x', undefined], ['1m 2s', undefined],
  ])('%s → %s', (s, want) => {
    expect(parseGoDuration(s)).toBe(want);
  });
});
