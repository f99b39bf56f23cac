/**
 * Prompt files: `prompts/<name>.md`, YAML front matter (name, version, description, variables)
 * and a body, optionally split into `## <language>` sections. Loaded and validated at start:
 * a missing file, bad front matter, or a `{{variable}}` the front matter does not declare
 * stops the start with a message naming the file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PROMPTS_DIR } from '../install-paths.js';

export { PROMPTS_DIR };

/** Every prompt Jamii uses; a missing one is a start failure. Each can be overridden per community. */
export const REQUIRED_PROMPTS = [
  'offline-question',
  'offline-negative',
  'offline-answer',
  'model-classify',
  'model-draft-question',
  'model-draft-negative',
  'news-offline',
  'news-take',
  'news-score',
  'spark-model',
  'report-narrative',
] as const;
export type PromptName = (typeof REQUIRED_PROMPTS)[number];

/** What a prompt writes: replies to members, news posts, discussion starters, or the weekly report. */
export type PromptPurpose = 'drafting' | 'news' | 'spark' | 'report';

/** Per prompt: what it writes, and whether the offline provider or the language model uses it. */
export const PROMPT_ROLES: Readonly<Record<PromptName, { purpose: PromptPurpose; usedBy: 'offline' | 'model' }>> = {
  'offline-question': { purpose: 'drafting', usedBy: 'offline' },
  'offline-negative': { purpose: 'drafting', usedBy: 'offline' },
  'offline-answer': { purpose: 'drafting', usedBy: 'offline' },
  'model-classify': { purpose: 'drafting', usedBy: 'model' },
  'model-draft-question': { purpose: 'drafting', usedBy: 'model' },
  'model-draft-negative': { purpose: 'drafting', usedBy: 'model' },
  'news-offline': { purpose: 'news', usedBy: 'offline' },
  'news-take': { purpose: 'news', usedBy: 'model' },
  'news-score': { purpose: 'news', usedBy: 'model' },
  'spark-model': { purpose: 'spark', usedBy: 'model' },
  'report-narrative': { purpose: 'report', usedBy: 'model' },
};

const frontMatterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    version: z.union([z.number().int().positive(), z.string().min(1)]).transform(String),
    description: z.string().min(1),
    variables: z.record(
      z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
      z.object({ required: z.boolean().default(false), description: z.string().min(1) }).strict(),
    ),
    model: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface PromptTemplate {
  name: string;
  /** Front-matter version plus a short content hash: an edit without a bump still shows. */
  version: string;
  description: string;
  variables: Record<string, { required: boolean; description: string }>;
  /** Body per language; `default` when the file has no sections. */
  sections: Record<string, string>;
  /** The body as written (after the front matter), trimmed. */
  body: string;
  file: string;
}

export class PromptError extends Error {
  readonly code = 'prompt_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'PromptError';
  }
}

const VARIABLE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

export function parsePrompt(source: string, file: string): PromptTemplate {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(source);
  if (!match) throw new PromptError(`${file}: missing front matter (a --- block at the top)`);
  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    throw new PromptError(`${file}: front matter is not valid YAML: ${(error as Error).message}`);
  }
  const fm = frontMatterSchema.safeParse(raw);
  if (!fm.success) {
    throw new PromptError(`${file}: bad front matter: ${fm.error.issues.map((i) => `${i.path.join('.') || 'root'}: ${i.message}`).join('; ')}`);
  }
  const expectedName = path.basename(file, '.md');
  if (fm.data.name !== expectedName) throw new PromptError(`${file}: name "${fm.data.name}" does not match the file name "${expectedName}"`);

  const body = match[2]!;
  const sections = parseSections(body, fm.data.variables, file);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 7);
  return {
    name: fm.data.name,
    version: `${fm.data.version}+${hash}`,
    description: fm.data.description,
    variables: fm.data.variables,
    sections,
    body: body.trim(),
    file,
  };
}

/**
 * Splits a prompt body into its `## <language>` sections (`default` when it has none) and checks
 * every placeholder against the declared variables. `where` starts each error message.
 */
export function parseSections(body: string, variables: PromptTemplate['variables'], where: string): Record<string, string> {
  const sections: Record<string, string> = {};
  const parts = body.split(/^## ([a-z]{2})\s*$/m);
  if (parts.length === 1) {
    sections.default = body.trim();
  } else {
    if (parts[0]!.trim() !== '') throw new PromptError(`${where}: text before the first "## <language>" section`);
    for (let i = 1; i < parts.length; i += 2) {
      if (parts[i]! in sections) throw new PromptError(`${where}: section "${parts[i]}" appears twice`);
      sections[parts[i]!] = parts[i + 1]!.trim();
    }
  }
  for (const [lang, text] of Object.entries(sections)) {
    if (text === '') throw new PromptError(`${where}: section "${lang}" is empty`);
    for (const m of text.matchAll(VARIABLE)) {
      if (!(m[1]! in variables)) throw new PromptError(`${where}: section "${lang}" uses {{${m[1]}}}, which the front matter does not declare`);
    }
    const stray = /\{\{|\}\}|\{[a-zA-Z][a-zA-Z0-9_]*\}/.exec(text.replace(VARIABLE, ''));
    if (stray) throw new PromptError(`${where}: section "${lang}" has a malformed placeholder near "${stray[0]}" (write {{name}})`);
  }
  return sections;
}

/** The `{{variables}}` a text uses, in order of first use. */
export function usedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]!))];
}

export interface RenderedPrompt {
  name: string;
  version: string;
  language: string;
  text: string;
}

/** Fills a template; `language` falls back to `fallbackLanguage`, then English, then the first section. */
export function renderPrompt(
  template: PromptTemplate,
  values: Record<string, string | undefined>,
  language: string,
  fallbackLanguage = 'en',
): RenderedPrompt {
  for (const [name, spec] of Object.entries(template.variables)) {
    if (spec.required && (values[name] === undefined || values[name] === '')) {
      throw new PromptError(`prompt ${template.name}: required variable "${name}" is missing`);
    }
  }
  for (const name of Object.keys(values)) {
    if (!(name in template.variables)) throw new PromptError(`prompt ${template.name}: unknown variable "${name}"`);
  }
  const chosen = [language, fallbackLanguage, 'en', 'default'].find((l) => l in template.sections) ?? Object.keys(template.sections)[0]!;
  const text = template.sections[chosen]!.replace(VARIABLE, (_, name: string) => values[name] ?? '');
  return { name: template.name, version: template.version, language: chosen === 'default' ? language : chosen, text };
}

/**
 * Where providers take their templates: the files alone, or a library that resolves a
 * community's override (see prompt-library.ts). Without `communityId`, the file's template.
 */
export interface PromptSource {
  get(name: PromptName, communityId?: string): PromptTemplate;
}

export interface PromptRegistry extends PromptSource {
  get(name: PromptName): PromptTemplate;
  list(): PromptTemplate[];
}

/** Loads every required prompt from `dir`; throws one error listing every problem. */
export function loadPromptRegistry(dir: string = PROMPTS_DIR): PromptRegistry {
  const problems: string[] = [];
  const templates = new Map<string, PromptTemplate>();
  for (const name of REQUIRED_PROMPTS) {
    const file = path.join(dir, `${name}.md`);
    if (!existsSync(file)) {
      problems.push(`${file}: missing (every prompt Jamii uses must exist)`);
      continue;
    }
    try {
      templates.set(name, parsePrompt(readFileSync(file, 'utf8'), file));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new PromptError(`Jamii cannot start: prompt files are invalid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    get: (name) => templates.get(name)!,
    list: () => [...templates.values()],
  };
}
