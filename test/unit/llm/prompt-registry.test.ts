import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../../../src/config.js';
import { OFFLINE_LANGUAGES } from '../../../src/llm/offline/heuristics.js';
import { loadPromptRegistry, parsePrompt, PROMPT_ROLES, PromptError, PROMPTS_DIR, renderPrompt, REQUIRED_PROMPTS, type PromptName } from '../../../src/llm/prompt-registry.js';

/** A sample value for every variable any real prompt declares, so every prompt renders in the snapshot. */
const SAMPLE_VALUES: Record<string, string> = {
  member: 'Amina',
  answer: 'Orders inside Nairobi arrive in 1-2 working days.',
  community: 'Jamii Testers',
  communityLanguage: 'en',
  language: 'sw',
  deskLanguage: 'en',
  maxLength: '1900',
  memberContext: 'They joined the community recently.',
  dataRule: '<the untrusted data rule>',
  topics: 'smallholder farming (keywords: maize, seed)',
  communityName: 'Jamii Testers',
  headline: 'Maize prices fall 10% in Eldoret',
  summary: 'Traders expect prices to recover after the harvest.',
  link: 'https://news.example/maize',
  source: 'Kilimo Wire',
};

const isOfflinePrompt = (name: string) => PROMPT_ROLES[name as PromptName].usedBy === 'offline';
/**
 * The languages an offline prompt is written in: a reply to a member in every language the
 * labeller detects; a news post in every community language.
 */
const offlineLanguages = (name: string): readonly string[] => (PROMPT_ROLES[name as PromptName].purpose === 'drafting' ? OFFLINE_LANGUAGES : SUPPORTED_LANGUAGES);

function promptSource(options: { name?: string; frontMatter?: string; body?: string } = {}): string {
  const frontMatter =
    options.frontMatter ??
    [
      `name: ${options.name ?? 'offline-question'}`,
      'version: 3',
      'description: A test prompt.',
      'variables:',
      '  member: { required: true, description: The member. }',
      '  community: { required: false, description: The community. }',
    ].join('\n');
  const body = options.body ?? '## en\nHello {{member}} from {{ community }}.\n\n## es\nHola {{member}}.\n';
  return `---\n${frontMatter}\n---\n${body}`;
}

const parse = (source: string, file = '/prompts/offline-question.md') => parsePrompt(source, file);

describe('the real prompt files', () => {
  const registry = loadPromptRegistry();

  it('loads every required prompt from prompts/', () => {
    expect(registry.list().map((t) => t.name).sort()).toEqual([...REQUIRED_PROMPTS].sort());
    for (const name of REQUIRED_PROMPTS) expect(registry.get(name).file).toBe(path.join(PROMPTS_DIR, `${name}.md`));
  });

  it('has a section for every language the offline labeler detects in each offline reply prompt, and every community language in news-offline', () => {
    for (const t of registry.list().filter((p) => isOfflinePrompt(p.name))) expect(Object.keys(t.sections).sort(), t.name).toEqual([...offlineLanguages(t.name)].sort());
    // Every community language is one the labeller reads, so every offline prompt writes it.
    expect(OFFLINE_LANGUAGES).toEqual(expect.arrayContaining([...SUPPORTED_LANGUAGES]));
  });

  it('keeps each model prompt as one language-neutral body (the reply language is a variable)', () => {
    const modelPrompts = registry.list().filter((p) => !isOfflinePrompt(p.name));
    expect(modelPrompts.map((p) => p.name).sort()).toEqual(['model-classify', 'model-draft-negative', 'model-draft-question', 'news-score', 'news-take', 'report-narrative', 'spark-model']);
    for (const t of modelPrompts) {
      expect(Object.keys(t.sections)).toEqual(['default']);
      expect(t.variables.dataRule?.required).toBe(true);
      expect(t.sections.default).toContain('{{dataRule}}');
      expect(t.sections.default).toMatch(/JSON/);
    }
  });

  it('has a sample value for every variable a prompt declares', () => {
    for (const t of registry.list()) for (const name of Object.keys(t.variables)) expect(SAMPLE_VALUES, `${t.name}: ${name}`).toHaveProperty(name);
  });

  it('versions each prompt as its front-matter version plus a content hash', () => {
    for (const t of registry.list()) expect(t.version).toMatch(/^\d+\+[0-9a-f]{7}$/);
  });

  it('renders the same text as last reviewed (update the snapshot when a prompt change is intended)', () => {
    const rendered: Record<string, unknown> = {};
    for (const t of registry.list().sort((a, b) => a.name.localeCompare(b.name))) {
      const values = Object.fromEntries(Object.keys(t.variables).map((name) => [name, SAMPLE_VALUES[name]]));
      for (const language of isOfflinePrompt(t.name) ? offlineLanguages(t.name) : ['en']) {
        const r = renderPrompt(t, values, language);
        rendered[`${t.name} v${r.version} [${r.language}]`] = r.text;
      }
    }
    expect(rendered).toMatchSnapshot();
  });
});

describe('parsePrompt', () => {
  it('reads the front matter and one section per language', () => {
    const t = parse(promptSource());
    expect(t).toMatchObject({
      name: 'offline-question',
      description: 'A test prompt.',
      variables: { member: { required: true, description: 'The member.' }, community: { required: false, description: 'The community.' } },
      sections: { en: 'Hello {{member}} from {{ community }}.', es: 'Hola {{member}}.' },
    });
    expect(t.version).toMatch(/^3\+[0-9a-f]{7}$/);
  });

  it('keeps a body without language sections as the default section', () => {
    expect(parse(promptSource({ body: 'Hi {{member}}.\n' })).sections).toEqual({ default: 'Hi {{member}}.' });
  });

  it('changes the version when the text changes without a version bump', () => {
    const a = parse(promptSource({ body: '## en\nHello {{member}}.\n' }));
    const b = parse(promptSource({ body: '## en\nHello there, {{member}}.\n' }));
    expect(a.version.split('+')[0]).toBe(b.version.split('+')[0]);
    expect(a.version).not.toBe(b.version);
  });

  it('rejects a file with no front matter, naming the file', () => {
    expect(() => parse('## en\nHello {{member}}.\n')).toThrow(PromptError);
    expect(() => parse('## en\nHello {{member}}.\n')).toThrow('/prompts/offline-question.md: missing front matter');
  });

  it('rejects front matter that is not valid YAML', () => {
    expect(() => parse(promptSource({ frontMatter: 'name: [unclosed' }))).toThrow(/front matter is not valid YAML/);
  });

  it('rejects front matter missing a required field or carrying an unknown one', () => {
    expect(() => parse(promptSource({ frontMatter: 'name: offline-question\nversion: 1\nvariables: {}' }))).toThrow(/bad front matter: description/);
    expect(() => parse(promptSource({ frontMatter: 'name: offline-question\nversion: 1\ndescription: x\nvariables: {}\nauthor: me' }))).toThrow(/bad front matter/);
  });

  it('rejects a {{variable}} the front matter does not declare', () => {
    expect(() => parse(promptSource({ body: '## en\nHello {{member}}, your order {{orderId}}.\n' }))).toThrow(
      'section "en" uses {{orderId}}, which the front matter does not declare',
    );
  });

  it('rejects a name that does not match the file name', () => {
    expect(() => parse(promptSource({ name: 'offline-negative' }))).toThrow('name "offline-negative" does not match the file name "offline-question"');
  });

  it('rejects text before the first language section and an empty section', () => {
    expect(() => parse(promptSource({ body: 'Intro\n## en\nHello.\n' }))).toThrow(/text before the first/);
    expect(() => parse(promptSource({ body: '## en\n\n## es\nHola.\n' }))).toThrow('section "en" is empty');
  });
});

describe('renderPrompt', () => {
  const template = parse(promptSource());

  it('fills the variables of the requested language', () => {
    expect(renderPrompt(template, { member: 'Amina', community: 'Jamii' }, 'en')).toEqual({
      name: 'offline-question',
      version: template.version,
      language: 'en',
      text: 'Hello Amina from Jamii.',
    });
  });

  it('renders an optional variable that is not given as nothing', () => {
    expect(renderPrompt(template, { member: 'Amina' }, 'en').text).toBe('Hello Amina from .');
  });

  it('refuses to render without a required variable', () => {
    expect(() => renderPrompt(template, { community: 'Jamii' }, 'en')).toThrow('required variable "member" is missing');
    expect(() => renderPrompt(template, { member: '' }, 'en')).toThrow(PromptError);
  });

  it('refuses a value for a variable the prompt does not declare', () => {
    expect(() => renderPrompt(template, { member: 'Amina', orderId: '42' }, 'en')).toThrow('unknown variable "orderId"');
  });

  it('falls back to the fallback language, then English', () => {
    expect(renderPrompt(template, { member: 'Amina' }, 'sw', 'es')).toMatchObject({ language: 'es', text: 'Hola Amina.' });
    expect(renderPrompt(template, { member: 'Amina' }, 'sw', 'ru')).toMatchObject({ language: 'en' });
  });

  it('uses the first section when neither the language nor English exists', () => {
    const onlySpanish = parse(promptSource({ body: '## es\nHola {{member}}.\n' }));
    expect(renderPrompt(onlySpanish, { member: 'Amina' }, 'ru', 'sw')).toMatchObject({ language: 'es', text: 'Hola Amina.' });
  });

  it('reports the requested language for a prompt without sections', () => {
    const plain = parse(promptSource({ body: 'Hi {{member}}.\n' }));
    expect(renderPrompt(plain, { member: 'Amina' }, 'sw')).toMatchObject({ language: 'sw', text: 'Hi Amina.' });
  });
});

describe('loadPromptRegistry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-prompts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const copyReal = (name: string) => writeFileSync(path.join(dir, `${name}.md`), readFileSync(path.join(PROMPTS_DIR, `${name}.md`), 'utf8'));

  it('loads a directory holding every required prompt', () => {
    for (const name of REQUIRED_PROMPTS) copyReal(name);
    expect(loadPromptRegistry(dir).get('offline-negative').name).toBe('offline-negative');
  });

  it('names every missing and every invalid file in one error', () => {
    writeFileSync(path.join(dir, 'offline-question.md'), promptSource({ body: '## en\n{{nope}}\n' }));
    let error: unknown;
    try {
      loadPromptRegistry(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PromptError);
    const message = (error as Error).message;
    expect(message).toContain('Jamii cannot start');
    expect(message).toContain(`${path.join(dir, 'offline-question.md')}: section "en" uses {{nope}}`);
    expect(message).toContain(`${path.join(dir, 'offline-negative.md')}: missing`);
  });
});
