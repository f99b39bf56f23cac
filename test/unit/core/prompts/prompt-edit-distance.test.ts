import { describe, expect, it } from 'vitest';
import { levenshtein, normalizedEditDistance } from '../../../../src/core/prompts/text-distance.js';

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions of characters', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('counts a character outside the BMP (an emoji) as one', () => {
    expect(levenshtein('hi 👋', 'hi 🙂')).toBe(1);
  });

  it('normalises by the longer text: 0 identical, 1 nothing in common', () => {
    expect(normalizedEditDistance('kitten', 'sitting')).toBeCloseTo(3 / 7);
    expect(normalizedEditDistance('', '')).toBe(0);
    expect(normalizedEditDistance('abc', 'xyz')).toBe(1);
    expect(normalizedEditDistance('Thanks!', 'Thanks!')).toBe(0);
  });
});
