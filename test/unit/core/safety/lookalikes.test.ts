import { describe, expect, it } from 'vitest';
import { foldLookalikes } from '../../../../src/core/safety/lookalikes.js';

describe('foldLookalikes', () => {
  it.each([
    ['fullwidth', '＠ＥＶＥＲＹＯＮＥ', '@everyone'],
    ['Cyrillic look-alikes', '@\u0435v\u0435ry\u043en\u0435', '@everyone'],
    ['Greek look-alikes', '@\u03bf\u03bd\u03b5', '@ove'],
    ['mathematical letters', '@\u{1d41e}\u{1d42f}\u{1d41e}\u{1d42b}\u{1d432}\u{1d428}\u{1d427}\u{1d41e}', '@everyone'],
    ['small at-sign and ideographic full stop', '\ufe6bhere evil\u3002example', '@here evil.example'],
    ['zero-width splits', '@every\u200bone', '@everyone'],
  ])('folds %s', (_name, text, expected) => {
    expect(foldLookalikes(text)).toBe(expected);
  });
});
