/** The offline labeller's rule tables, one per supported language. */
import { EN_RULES } from './en.js';
import { ES_RULES } from './es.js';
import { RU_RULES } from './ru.js';
import { SW_RULES } from './sw.js';
import type { LanguageRules } from './types.js';

export type { LanguageRules, WeightedPattern } from './types.js';

export const RULES = { en: EN_RULES, ru: RU_RULES, sw: SW_RULES, es: ES_RULES } as const satisfies Record<string, LanguageRules>;
export type LanguageCode = keyof typeof RULES;
