/** The offline labeller's rule tables, one per supported language. */
import { AR_RULES } from './ar.js';
import { DE_RULES } from './de.js';
import { EN_RULES } from './en.js';
import { ES_RULES } from './es.js';
import { FR_RULES } from './fr.js';
import { PT_RULES } from './pt.js';
import { RU_RULES } from './ru.js';
import { SW_RULES } from './sw.js';
import type { LanguageRules } from './types.js';

export type { LanguageRules, WeightedPattern } from './types.js';

export const RULES = {
  en: EN_RULES,
  ru: RU_RULES,
  sw: SW_RULES,
  es: ES_RULES,
  de: DE_RULES,
  fr: FR_RULES,
  pt: PT_RULES,
  ar: AR_RULES,
} as const satisfies Record<string, LanguageRules>;
export type LanguageCode = keyof typeof RULES;
