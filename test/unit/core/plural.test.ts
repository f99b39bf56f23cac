import { describe, expect, it } from 'vitest';
import { averageOf, plural, pluralNoun } from '../../../src/core/plural.js';

describe('plural', () => {
  it('gives a count its noun, singular for exactly one', () => {
    expect([0, 1, 2].map((n) => plural(n, 'day'))).toEqual(['0 days', '1 day', '2 days']);
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(pluralNoun(2, 'section')).toBe('sections');
    expect(pluralNoun(1, 'line')).toBe('line');
  });

  it('reads an average as people say it: no trailing .0, the noun agreeing with the number shown', () => {
    expect(averageOf(2, 2, 'reply', 'replies')).toBe('1 reply');
    expect(averageOf(3, 2, 'reply', 'replies')).toBe('1.5 replies');
    expect(averageOf(1, 3, 'speaker')).toBe('0.3 speakers');
    expect(averageOf(20, 21, 'message')).toBe('1 message');
    expect(averageOf(0, 0, 'reaction')).toBe('0 reactions');
  });
});
