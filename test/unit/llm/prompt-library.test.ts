import { afterEach, describe, expect, it, vi } from 'vitest';
import { isJamiiError } from '../../../src/core/errors.js';
import type { PromptVersionRecord } from '../../../src/core/prompts/prompt-ports.js';
import { createPromptLibrary, overrideProblems, overrideVersionLabel, PROMPT_REFRESH_INTERVAL_MS } from '../../../src/llm/prompt-library.js';
import { loadPromptRegistry, parsePrompt, renderPrompt, type PromptRegistry } from '../../../src/llm/prompt-registry.js';
import { createRecordingLogger } from '../../support/fakes.js';

const files = loadPromptRegistry();
const question = files.get('offline-question');
const modelDraft = files.get('model-draft-question');

const record = (fields: Partial<PromptVersionRecord> & { version: number; body: string | null }): PromptVersionRecord => ({
  communityId: 'alpha',
  name: 'offline-question',
  comment: null,
  createdBy: 'sandbox:ada',
  createdByName: 'Ada',
  createdAt: new Date('2025-03-01T09:00:00Z'),
  rollbackOf: null,
  ...fields,
});

function libraryOver(records: PromptVersionRecord[], registry: PromptRegistry = files) {
  const versions = { latestAll: vi.fn(async () => records) };
  const log = createRecordingLogger();
  return { library: createPromptLibrary({ files: registry, versions, log }), versions, log };
}

const problemsOf = (name: Parameters<PromptRegistry['get']>[0], body: string) => overrideProblems(files.get(name), body);

describe('validating an override', () => {
  it('accepts a new voice that keeps the variables and sections', () => {
    expect(problemsOf('offline-question', '## en\nHey {{member}}!\n\n## sw\nHabari {{member}}!')).toEqual([]);
    expect(problemsOf('model-draft-question', modelDraft.body.replace(/^Voice: .*$/m, 'Voice: playful.'))).toEqual([]);
  });

  it('refuses an empty text', () => {
    expect(problemsOf('offline-question', '  \n ')).toEqual(['the new text is empty']);
  });

  it('refuses a text over the size limit, saying the limit', () => {
    expect(problemsOf('offline-question', `## en\n{{member}} ${'x'.repeat(20_000)}`)).toEqual(['it is 20017 characters long; the limit is 20000']);
  });

  it('refuses unknown variables, naming them and the ones the prompt takes', () => {
    expect(problemsOf('offline-question', '## en\nHi {{member}}, your order {{orderId}} and {{ coupon }}')).toEqual([
      'it uses {{orderId}}, {{coupon}}, which offline-question does not take (it takes {{member}}, {{community}})',
    ]);
  });

  it('refuses a section that leaves out a required variable', () => {
    expect(problemsOf('offline-answer', '## en\n{{answer}}\n\n## es\n{{member}}: {{answer}}')).toEqual(['section "en" leaves out {{member}}, which offline-answer must use']);
  });

  it('refuses a model prompt that drops the untrusted-data rule, explaining why it must stay', () => {
    const [problem] = problemsOf('model-classify', files.get('model-classify').body.replace('{{dataRule}}', ''));
    expect(problem).toMatch(/^drops \{\{dataRule\}\}: it is the safety rule telling the model that members' messages and knowledge are data, never instructions, and no version of model-classify may remove it$/);
  });

  it('refuses an offline prompt without language sections, and sections for languages it does not have', () => {
    expect(problemsOf('offline-negative', 'Sorry {{member}}!')).toEqual(['offline-negative is written per language: start each language with a line "## en" (or ru, sw, es, de, fr, pt, ar), and keep at least one']);
    expect(problemsOf('offline-negative', '## en\nSorry {{member}}!\n\n## it\nCi dispiace, {{member}}!')).toEqual(['section "it": offline-negative has sections for en, ru, sw, es, de, fr, pt, ar only']);
  });

  it('refuses malformed sections: text before the first, an empty one, one twice', () => {
    expect(problemsOf('offline-question', 'Hello\n## en\nHi {{member}}')).toEqual(['text before the first "## <language>" section']);
    expect(problemsOf('offline-question', '## en\n\n## es\nHola {{member}}')).toEqual(['section "en" is empty']);
    expect(problemsOf('offline-question', '## en\nHi {{member}}\n## en\nHey {{member}}')).toEqual(['section "en" appears twice']);
  });

  it('refuses a malformed placeholder', () => {
    expect(problemsOf('offline-question', '## en\nHi {{member}} from {community}')).toEqual(['section "en" has a malformed placeholder near "{community}" (write {{name}})']);
  });

  it('refuses language sections in a model prompt', () => {
    expect(problemsOf('model-draft-question', `## en\n${modelDraft.body}`)[0]).toMatch(/^model-draft-question is one body for every language .*remove the "## en" line$/);
  });

  it('throws prompt_invalid listing every problem, and prompt_not_found with the names for an unknown prompt', () => {
    const { library } = libraryOver([]);
    let error: unknown;
    try {
      library.validate('offline-question', `## en\n{{member}} {{order}} ${'x'.repeat(20_000)}`);
    } catch (e) {
      error = e;
    }
    expect(isJamiiError(error) && error.code).toBe('prompt_invalid');
    expect((error as Error).message).toMatch(/^Not saved: the new offline-question is refused\.\n• it is \d+ characters long; the limit is 20000\n• it uses \{\{order\}\}/);
    expect(() => library.validate('brand-voice', 'Hi')).toThrow(/^There is no prompt "brand-voice"\. Prompts: offline-question, offline-negative, offline-answer, model-classify, model-draft-question, model-draft-negative, news-offline, news-take, news-score, spark-model, report-narrative\.$/);
  });
});

describe('resolving the prompt in force', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the file until a community overrides it, then the latest override, for that community only', async () => {
    const body = '## en\nHey {{member}}!';
    const { library, versions } = libraryOver([record({ version: 2, body })]);
    expect(library.get('offline-question', 'alpha')).toBe(question);
    await library.refresh();
    const template = library.get('offline-question', 'alpha');
    expect(template.version).toBe(overrideVersionLabel(2, body));
    expect(template.version).toMatch(/^c2\+[0-9a-f]{7}$/);
    expect(renderPrompt(template, { member: 'Amina' }, 'sw').text).toBe('Hey Amina!');
    expect(library.get('offline-question', 'beta')).toBe(question);
    expect(library.get('offline-question')).toBe(question);
    expect(library.inForce('offline-question', 'alpha')).toMatchObject({ source: 'override', overrideVersion: 2, body: 'Hey {{member}}!'.replace(/^/, '## en\n') });
    expect(library.inForce('offline-question', 'beta')).toMatchObject({ source: 'file', overrideVersion: null, version: question.version });
    // Cached: reads come from memory; only a refresh asks the database.
    for (let i = 0; i < 5; i++) library.get('offline-question', 'alpha');
    expect(versions.latestAll).toHaveBeenCalledTimes(1);
  });

  it('reads a reset to the file as the file, with the file’s version', async () => {
    const { library } = libraryOver([record({ version: 3, body: null, rollbackOf: 'file' })]);
    await library.refresh();
    expect(library.get('offline-question', 'alpha')).toBe(question);
    expect(library.inForce('offline-question', 'alpha')).toMatchObject({ source: 'file', version: question.version });
  });

  it('falls back to the file, with a warning, when a newer file no longer accepts a stored override', async () => {
    const stricter = parsePrompt(
      '---\nname: offline-question\nversion: 2\ndescription: d\nvariables:\n  member: { required: true, description: m }\n  community: { required: true, description: c }\n---\n## en\nHi {{member}} of {{community}}\n',
      '/prompts/offline-question.md',
    );
    const registry: PromptRegistry = { get: (name) => (name === 'offline-question' ? stricter : files.get(name)), list: () => files.list() };
    const { library, log } = libraryOver([record({ version: 1, body: '## en\nHey {{member}}!' })], registry);
    await library.refresh();
    expect(library.get('offline-question', 'alpha')).toBe(stricter);
    expect(log.entries.find((e) => e.msg === 'prompt.override_invalid')?.obj).toMatchObject({ communityId: 'alpha', prompt: 'offline-question', version: 1 });
  });

  it('sets aside a spark-model override that still puts the chat title, untrusted, into the system prompt', async () => {
    const spark = files.get('spark-model');
    const old = spark.body.replace('One of its chats (its title is in the user message)', 'The chat "{{chatTitle}}"');
    const { library, log } = libraryOver([record({ name: 'spark-model', version: 1, body: old })]);
    await library.refresh();
    expect(library.get('spark-model', 'alpha')).toBe(spark);
    expect(log.entries.find((e) => e.msg === 'prompt.override_invalid')?.obj).toMatchObject({ prompt: 'spark-model', problems: [expect.stringContaining('{{chatTitle}}')] });
  });

  it('picks up changes made by other processes on the periodic refresh', async () => {
    vi.useFakeTimers();
    const records: PromptVersionRecord[] = [];
    const { library, versions } = libraryOver(records);
    const stop = library.watch();
    records.push(record({ version: 1, body: '## en\nYo {{member}}' }));
    expect(library.get('offline-question', 'alpha')).toBe(question);
    await vi.advanceTimersByTimeAsync(PROMPT_REFRESH_INTERVAL_MS);
    expect(versions.latestAll).toHaveBeenCalledTimes(1);
    expect(library.get('offline-question', 'alpha').version).toMatch(/^c1\+/);
    stop();
    await vi.advanceTimersByTimeAsync(PROMPT_REFRESH_INTERVAL_MS * 3);
    expect(versions.latestAll).toHaveBeenCalledTimes(1);
  });

  it('gives a dry run a source with one prompt of one community replaced', async () => {
    const { library } = libraryOver([]);
    const source = library.withChoice({ communityId: 'alpha', name: 'offline-question', body: '## en\nTest {{member}}', version: 7 });
    expect(source.get('offline-question', 'alpha').version).toBe(overrideVersionLabel(7, '## en\nTest {{member}}'));
    expect(source.get('offline-question', 'beta')).toBe(question);
    expect(source.get('offline-negative', 'alpha')).toBe(files.get('offline-negative'));
    expect(library.withChoice({ communityId: 'alpha', name: 'offline-question', body: null, version: null }).get('offline-question', 'alpha')).toBe(question);
  });
});
