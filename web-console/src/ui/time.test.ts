import { describe, expect, it } from 'vitest';
import { ago, formatRemaining, secondsUntil } from './time';

describe('countdown', () => {
  it('formats minutes and seconds, and hours when there are any', () => {
    expect(formatRemaining(7)).toBe('0:07');
    expect(formatRemaining(299)).toBe('4:59');
    expect(formatRemaining(3600 + 5 * 60 + 9)).toBe('1:05:09');
    expect(formatRemaining(8 * 3600)).toBe('8:00:00');
  });

  it('says ended at or below zero', () => {
    expect(formatRemaining(0)).toBe('ended');
    expect(formatRemaining(-3)).toBe('ended');
    expect(formatRemaining(Number.NaN)).toBe('ended');
  });

  it('counts seconds until an instant', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(secondsUntil('2026-01-01T10:30:00Z', now)).toBe(1800);
    expect(secondsUntil('2026-01-01T09:00:00Z', now)).toBe(0);
    expect(secondsUntil(null, now)).toBe(0);
  });

  it('tells how long ago', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(ago('2026-01-01T09:59:30Z', now)).toBe('just now');
    expect(ago('2026-01-01T09:55:00Z', now)).toBe('5 min ago');
    expect(ago('2026-01-01T07:00:00Z', now)).toBe('3 h ago');
  });
});
