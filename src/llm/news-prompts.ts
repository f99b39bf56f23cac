/** The news prompt files, loaded and validated at start like every prompt (a bad one stops the start). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePrompt, PROMPTS_DIR, type PromptTemplate } from './prompt-registry.js';

export const NEWS_PROMPT_NAMES = ['news-offline', 'news-take', 'news-score'] as const;

export interface NewsPrompts {
  offline: PromptTemplate;
  take: PromptTemplate;
  score: PromptTemplate;
}

export function loadNewsPrompts(dir: string = PROMPTS_DIR): NewsPrompts {
  const load = (name: (typeof NEWS_PROMPT_NAMES)[number]) => {
    const file = path.join(dir, `${name}.md`);
    return parsePrompt(readFileSync(file, 'utf8'), file);
  };
  return { offline: load('news-offline'), take: load('news-take'), score: load('news-score') };
}
