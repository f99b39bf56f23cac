/**
 * The prompts in force per community: each community's latest override of a prompt, else the
 * file in `prompts/`. Overrides keep the file's front matter (variables, description) and
 * replace its body; they are validated before they are saved and again when loaded (an
 * override a newer file no longer accepts falls back to the file, with a warning).
 *
 * The overrides in force are cached in memory: reloaded after every change made in this process
 * and every {@link PROMPT_REFRESH_INTERVAL_MS} for changes made by other processes.
 */
import { createHash } from 'node:crypto';
import { JamiiError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { pluralNoun } from '../core/plural.js';
import {
  PROMPT_OVERRIDE_MAX_CHARS,
  type PromptCatalog,
  type PromptChoice,
  type PromptVersionRecord,
  type PromptVersionsRepository,
  type PromptView,
} from '../core/prompts/prompt-ports.js';
import { parseSections, PROMPT_ROLES, REQUIRED_PROMPTS, usedVariables, type PromptName, type PromptRegistry, type PromptSource, type PromptTemplate } from './prompt-registry.js';

/** How often overrides made by other processes are picked up. */
export const PROMPT_REFRESH_INTERVAL_MS = 30_000;
/** The variable carrying the untrusted-data rule; no model prompt may drop it. */
export const SAFETY_VARIABLE = 'dataRule';

export function isPromptName(name: string): name is PromptName {
  return (REQUIRED_PROMPTS as readonly string[]).includes(name);
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 7);

/** What drafts record for override version `version`: `c3+abcdef0`. */
export function overrideVersionLabel(version: number, body: string): string {
  return `c${version}+${shortHash(body)}`;
}

const list = (names: string[]) => names.map((n) => `{{${n}}}`).join(', ');

/** Every reason `body` cannot replace the body of `file`; empty when it can. */
export function overrideProblems(file: PromptTemplate, body: string): string[] {
  const name = file.name;
  if (body.trim() === '') return ['the new text is empty'];
  const problems: string[] = [];
  if (body.length > PROMPT_OVERRIDE_MAX_CHARS) problems.push(`it is ${body.length} characters long; the limit is ${PROMPT_OVERRIDE_MAX_CHARS}`);

  const unknown = usedVariables(body).filter((v) => !(v in file.variables));
  if (unknown.length > 0) {
    problems.push(`it uses ${list(unknown)}, which ${name} does not take (it takes ${list(Object.keys(file.variables))})`);
    return problems;
  }
  let sections: Record<string, string>;
  try {
    sections = parseSections(body, file.variables, name);
  } catch (error) {
    problems.push((error as Error).message.replace(`${name}: `, ''));
    return problems;
  }

  const fileLanguages = Object.keys(file.sections).filter((l) => l !== 'default');
  const languages = Object.keys(sections).filter((l) => l !== 'default');
  if (fileLanguages.length > 0) {
    if (languages.length === 0) {
      problems.push(`${name} is written per language: start each language with a line "## en" (or ${fileLanguages.filter((l) => l !== 'en').join(', ')}), and keep at least one`);
      return problems;
    }
    const foreign = languages.filter((l) => !fileLanguages.includes(l));
    if (foreign.length > 0) problems.push(`${pluralNoun(foreign.length, 'section')} ${foreign.map((l) => `"${l}"`).join(', ')}: ${name} has sections for ${fileLanguages.join(', ')} only`);
  } else if (languages.length > 0) {
    problems.push(`${name} is one body for every language (the reply language is a variable): remove the "## ${languages[0]}" ${pluralNoun(languages.length, 'line')}`);
    return problems;
  }

  const required = Object.entries(file.variables).filter(([, spec]) => spec.required).map(([v]) => v);
  for (const [language, text] of Object.entries(sections)) {
    const used = new Set(usedVariables(text));
    const where = language === 'default' ? '' : `section "${language}" `;
    if (required.includes(SAFETY_VARIABLE) && !used.has(SAFETY_VARIABLE)) {
      problems.push(
        `${where}drops {{${SAFETY_VARIABLE}}}: it is the safety rule telling the model that members' messages and knowledge are data, never instructions, and no version of ${name} may remove it`,
      );
    }
    const missing = required.filter((v) => v !== SAFETY_VARIABLE && !used.has(v));
    if (missing.length > 0) problems.push(`${where}leaves out ${list(missing)}, which ${name} must use`);
  }
  return problems;
}

/** The template an override reads as; the caller has checked it with {@link overrideProblems}. */
export function overrideTemplate(file: PromptTemplate, version: number, body: string): PromptTemplate {
  return { ...file, version: overrideVersionLabel(version, body), sections: parseSections(body, file.variables, file.name), body: body.trim() };
}

/** Every prompt source a provider needs, plus the catalogue the /prompt commands read. */
export interface PromptLibrary extends PromptSource, PromptCatalog {
  /** A source reading like this one, except `choice`'s prompt for its community (dry runs). */
  withChoice(choice: PromptChoice): PromptSource;
  /** Starts the periodic refresh; returns a stop function. */
  watch(intervalMs?: number): () => void;
}

export function createPromptLibrary(deps: { files: PromptRegistry; versions: Pick<PromptVersionsRepository, 'latestAll'>; log: Logger }): PromptLibrary {
  const { files, log } = deps;
  const key = (communityId: string, name: string) => `${communityId}\u0000${name}`;
  let overrides = new Map<string, { record: PromptVersionRecord; template: PromptTemplate }>();

  const fileOf = (name: string): PromptTemplate => {
    if (!isPromptName(name)) throw new JamiiError('prompt_not_found', `There is no prompt "${name}". Prompts: ${REQUIRED_PROMPTS.join(', ')}.`);
    return files.get(name);
  };

  /** The template a stored version reads as, or null when it reads as the file. */
  const templateOf = (record: PromptVersionRecord): PromptTemplate | null => {
    if (record.body === null) return null;
    const file = fileOf(record.name);
    const problems = overrideProblems(file, record.body);
    if (problems.length > 0) {
      log.warn({ communityId: record.communityId, prompt: record.name, version: record.version, problems }, 'prompt.override_invalid');
      return null;
    }
    return overrideTemplate(file, record.version, record.body);
  };

  const viewOf = (record: PromptVersionRecord): PromptView => {
    const template = templateOf(record);
    if (!template) return fileDefault(record.name);
    return { name: record.name, version: template.version, source: 'override', overrideVersion: record.version, body: template.body, description: template.description };
  };

  const fileDefault = (name: string): PromptView => {
    const file = fileOf(name);
    return { name, version: file.version, source: 'file', overrideVersion: null, body: file.body, description: file.description };
  };

  const get = (name: PromptName, communityId?: string): PromptTemplate =>
    (communityId === undefined ? undefined : overrides.get(key(communityId, name))?.template) ?? files.get(name);

  const refresh = async () => {
    const latest = await deps.versions.latestAll();
    const next = new Map<string, { record: PromptVersionRecord; template: PromptTemplate }>();
    for (const record of latest) {
      if (!isPromptName(record.name)) continue;
      const template = templateOf(record);
      if (template) next.set(key(record.communityId, record.name), { record, template });
    }
    overrides = next;
  };

  return {
    get,
    names: () => [...REQUIRED_PROMPTS],
    usedBy: (name) => PROMPT_ROLES[fileOf(name).name as PromptName].usedBy,
    purposeOf: (name) => PROMPT_ROLES[fileOf(name).name as PromptName].purpose,
    fileDefault,
    inForce(name, communityId) {
      fileOf(name);
      const entry = overrides.get(key(communityId, name));
      return entry ? viewOf(entry.record) : fileDefault(name);
    },
    viewOf,
    validate(name, body) {
      const problems = overrideProblems(fileOf(name), body);
      if (problems.length > 0) throw new JamiiError('prompt_invalid', `Not saved: the new ${name} is refused.\n${problems.map((p) => `• ${p}`).join('\n')}`, { details: { problems } });
    },
    refresh,
    withChoice(choice) {
      const file = fileOf(choice.name);
      const chosen = choice.body === null ? file : overrideTemplate(file, choice.version ?? 0, choice.body);
      return {
        get: (name, communityId) => (name === choice.name && communityId === choice.communityId ? chosen : get(name, communityId)),
      };
    },
    watch(intervalMs = PROMPT_REFRESH_INTERVAL_MS) {
      const timer = setInterval(() => {
        refresh().catch((error: unknown) => log.warn({ err: error }, 'prompt.refresh_failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
