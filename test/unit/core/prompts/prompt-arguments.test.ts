import { describe, expect, it } from 'vitest';
import { parsePromptArgs, parseVersionRef, splitComment } from '../../../../src/core/prompts/prompt-arguments.js';

describe('/prompt arguments', () => {
  it('reads versions as numbers, c- or v-numbers, full labels, or file', () => {
    expect(['3', 'c3', 'V3', 'c3+abcdef0', 'file', 'FILE', '0', 'x3', 'latest'].map(parseVersionRef)).toEqual([3, 3, 3, 3, 'file', 'file', null, null, null]);
  });

  it('parses every subcommand', () => {
    expect(parsePromptArgs('')).toEqual({ sub: 'list' });
    expect(parsePromptArgs('show offline-question')).toEqual({ sub: 'show', name: 'offline-question', version: null });
    expect(parsePromptArgs('show offline-question c2')).toEqual({ sub: 'show', name: 'offline-question', version: 2 });
    expect(parsePromptArgs('diff offline-question')).toEqual({ sub: 'diff', name: 'offline-question', from: null, to: null });
    expect(parsePromptArgs('diff offline-question file 3')).toEqual({ sub: 'diff', name: 'offline-question', from: 'file', to: 3 });
    expect(parsePromptArgs('rollback offline-question file')).toEqual({ sub: 'rollback', name: 'offline-question', version: 'file' });
    expect(parsePromptArgs('test offline-question@2 Where is my order?')).toEqual({ sub: 'test', name: 'offline-question', version: 2, sample: 'Where is my order?' });
    expect(parsePromptArgs('test offline-question Where is my order?')).toEqual({ sub: 'test', name: 'offline-question', version: null, sample: 'Where is my order?' });
  });

  it('keeps the new text of set as written, with a first-line comment split off', () => {
    expect(parsePromptArgs('set offline-question # comment: warmer\n## en\nHi {{member}}\n\n## es\nHola {{member}}')).toEqual({
      sub: 'set',
      name: 'offline-question',
      body: '## en\nHi {{member}}\n\n## es\nHola {{member}}',
      comment: 'warmer',
    });
    expect(parsePromptArgs('set model-classify\nYou label messages.\n\n{{dataRule}}')).toMatchObject({ body: 'You label messages.\n\n{{dataRule}}', comment: null });
    expect(splitComment('no comment here')).toEqual({ body: 'no comment here', comment: null });
  });

  it('reads replay versions and days: a bare number is a version, 14d is days', () => {
    expect(parsePromptArgs('replay offline-question')).toEqual({ sub: 'replay', name: 'offline-question', version: null, days: 7 });
    expect(parsePromptArgs('replay offline-question 3')).toEqual({ sub: 'replay', name: 'offline-question', version: 3, days: 7 });
    expect(parsePromptArgs('replay offline-question 3 14')).toEqual({ sub: 'replay', name: 'offline-question', version: 3, days: 14 });
    expect(parsePromptArgs('replay offline-question 14d')).toEqual({ sub: 'replay', name: 'offline-question', version: null, days: 14 });
    expect(parsePromptArgs('replay offline-question file 30d')).toEqual({ sub: 'replay', name: 'offline-question', version: 'file', days: 30 });
  });

  it('explains what is wrong, with the usage', () => {
    expect(() => parsePromptArgs('show')).toThrow(/^Which prompt\? \/prompt list shows their names\.\nUsage:\n\/prompt list/);
    expect(() => parsePromptArgs('set offline-question')).toThrow(/The new text of offline-question is missing/);
    expect(() => parsePromptArgs('rollback offline-question')).toThrow(/Give the version to roll back to/);
    expect(() => parsePromptArgs('show offline-question latest')).toThrow(/"latest" is not a version \(write 3, c3 or file\)/);
    expect(() => parsePromptArgs('replay offline-question 3 500')).toThrow(/Replay covers 1 to 90 days/);
    // The sample is checked by /prompt test, which knows what the prompt takes (nothing, for report-narrative).
    expect(parsePromptArgs('test report-narrative')).toEqual({ sub: 'test', name: 'report-narrative', version: null, sample: '' });
    expect(() => parsePromptArgs('publish offline-question')).toThrow(/Unknown \/prompt subcommand "publish"/);
  });
});
