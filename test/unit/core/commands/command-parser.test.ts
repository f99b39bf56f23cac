import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseDraftId, splitFirst } from '../../../../src/core/commands/command-parser.js';

describe('parseCommandLine', () => {
  it.each([
    ['/approve', { name: 'approve', args: '' }],
    ['/approve 12', { name: 'approve', args: '12' }],
    ['/approve abc', { name: 'approve', args: 'abc' }],
    ['/approve@JamiiBot 12', { name: 'approve', args: '12' }],
    ['/APPROVE 12', { name: 'approve', args: '12' }],
    ['  /reject 5 reason words  ', { name: 'reject', args: '5 reason words' }],
    ['!approve 12', { name: 'approve', args: '12' }],
    ['/edit 5', { name: 'edit', args: '5' }],
    ['/edit 5 First line\nsecond line', { name: 'edit', args: '5 First line\nsecond line' }],
    ['/pending', { name: 'pending', args: '' }],
    ['/show_all-now x', { name: 'show_all-now', args: 'x' }],
  ])('reads %j as a command', (text, expected) => {
    expect(parseCommandLine(text)).toEqual(expected);
  });

  it.each([
    'hello',
    'How do I /approve something?',
    '/',
    '/ approve 12',
    '/12',
    '',
    'https://example.com/approve',
    '#12',
  ])('does not read %j as a command', (text) => {
    expect(parseCommandLine(text)).toBeNull();
  });
});

describe('parseDraftId', () => {
  it.each([
    ['12', 12],
    ['#12', 12],
    [' 7 ', 7],
    ['123456789', 123456789],
  ])('reads %j as draft %i', (raw, id) => {
    expect(parseDraftId(raw)).toBe(id);
  });

  it.each([undefined, '', 'abc', '0', '#0', '-1', '1.5', '12abc', '##12', '1234567890', '１２'])('refuses %j', (raw) => {
    expect(parseDraftId(raw)).toBeNull();
  });
});

describe('splitFirst', () => {
  it('splits off the first word and keeps newlines in the rest', () => {
    expect(splitFirst('12 the rest')).toEqual(['12', 'the rest']);
    expect(splitFirst('  12   line one\nline two  ')).toEqual(['12', 'line one\nline two']);
    expect(splitFirst('12')).toEqual(['12', '']);
    expect(splitFirst('   ')).toEqual(['', '']);
  });
});
