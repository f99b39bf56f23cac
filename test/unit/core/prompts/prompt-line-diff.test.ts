import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../../src/core/prompts/line-diff.js';

describe('unifiedDiff', () => {
  it('is empty when the lines are the same', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb', 'old', 'new')).toBe('');
  });

  it('shows a changed line with three lines of context, in the diff -u shape', () => {
    const before = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'].join('\n');
    const after = ['one', 'two', 'three', 'four', 'FIVE', 'six', 'seven', 'eight'].join('\n');
    expect(unifiedDiff(before, after, 'file', 'c1')).toBe(['--- file', '+++ c1', '@@ -2,7 +2,7 @@', ' two', ' three', ' four', '-five', '+FIVE', ' six', ' seven', ' eight'].join('\n'));
  });

  it('numbers insertions and deletions at the start and the end', () => {
    expect(unifiedDiff('b\nc', 'a\nb\nc', 'x', 'y')).toBe(['--- x', '+++ y', '@@ -1,2 +1,3 @@', '+a', ' b', ' c'].join('\n'));
    expect(unifiedDiff('a\nb', 'a', 'x', 'y')).toBe(['--- x', '+++ y', '@@ -1,2 +1,1 @@', ' a', '-b'].join('\n'));
    expect(unifiedDiff('', 'a', 'x', 'y')).toBe(['--- x', '+++ y', '@@ -0,0 +1,1 @@', '+a'].join('\n'));
  });

  it('splits distant changes into separate hunks and merges close ones', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const changed = [...lines];
    changed[1] = 'LINE 2';
    changed[17] = 'LINE 18';
    const diff = unifiedDiff(lines.join('\n'), changed.join('\n'), 'a', 'b');
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    changed[5] = 'LINE 6';
    const merged = unifiedDiff(lines.join('\n'), changed.join('\n'), 'a', 'b');
    expect(merged.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,9 +1,9 @@', '@@ -15,6 +15,6 @@']);
  });

  it('aligns on the longest common run of lines (a moved paragraph is one removal and one insertion)', () => {
    const diff = unifiedDiff('a\nb\nc\nd', 'b\nc\nd\na', 'x', 'y');
    expect(diff.split('\n').slice(2)).toEqual(['@@ -1,4 +1,4 @@', '-a', ' b', ' c', ' d', '+a']);
  });
});
