/**
 * Which language a member wrote in, for the offline labeller. Russian and Arabic by their script;
 * the Latin-script languages by evidence: each language's frequent function words, the longer
 * words of its question, praise and complaint vocabulary, the letters only it (or a few) use,
 * and for Swahili its verb shapes. Everything here is compiled once, at import.
 */
import { compilePhrase, mayContain, type Phrase } from './compiled-rules.js';
import { RULES } from './rules/index.js';
import { padded, tokenize } from './tokens.js';

const LATIN_LANGUAGES = ['en', 'sw', 'es', 'de', 'fr', 'pt'] as const;
type LatinLanguage = (typeof LATIN_LANGUAGES)[number];

/** Letters that only some Latin-script languages write: a letter of one language weighs 2, one shared by a few 1. */
const LETTER_MARKS: ReadonlyArray<{ letters: RegExp; languages: readonly LatinLanguage[]; weight: number }> = [
  { letters: /[ñ¿¡]/iu, languages: ['es'], weight: 2 },
  { letters: /[ãõ]/iu, languages: ['pt'], weight: 2 },
  { letters: /[äöüß]/iu, languages: ['de'], weight: 2 },
  { letters: /[èùëïîûœ]/iu, languages: ['fr'], weight: 2 },
  { letters: /[áíóú]/iu, languages: ['es', 'pt'], weight: 1 },
  { letters: /[çâêôà]/iu, languages: ['fr', 'pt'], weight: 1 },
  { letters: /é/iu, languages: ['es', 'fr', 'pt'], weight: 1 },
];

/** Swahili verb shapes: negative (hai-, hawa-, sija-), subject + tense (ni-na-, a-me-, tu-li-), -eje/-iwe endings. */
const SWAHILI_VERB = /^((hai|hau|haku|hatu|ham|hawa|haz|hay|sija|siku|sita)\p{L}{3,}|(ni|u|a|tu|m|wa|i|ki|vi|zi|li|ku|mna|tuna)(na|li|ta|me|ja|ki)\p{L}{3,}|\p{L}{3,}(eje|iwe|ewe|aje))$/u;

/**
 * Every Latin-script language's evidence in one index, so a token is looked up once for all of
 * them: exact words (a stopword that is also in the vocabulary counts twice, as before), word
 * prefixes (`crash*`) indexed by their first character, and phrases tried only on a text holding
 * their first word.
 */
interface EvidenceIndex {
  exact: Map<string, LatinLanguage[]>;
  prefixes: Map<string, Array<{ stem: string; language: LatinLanguage }>>;
  phrases: Array<{ pattern: RegExp; phrase: Phrase; language: LatinLanguage }>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildEvidenceIndex(): EvidenceIndex {
  const index: EvidenceIndex = { exact: new Map(), prefixes: new Map(), phrases: [] };
  const addExact = (word: string, language: LatinLanguage) => index.exact.set(word, [...(index.exact.get(word) ?? []), language]);
  for (const language of LATIN_LANGUAGES) {
    const r = RULES[language];
    for (const word of new Set(r.stopwords)) addExact(word, language);
    const distinctive = new Set([...Object.keys(r.negative), ...r.interrogatives, ...r.praise].filter((t) => t.includes(' ') || t.replace('*', '').length >= 4));
    for (const term of distinctive) {
      if (term.includes(' ')) {
        const words = term.split(' ').map((w) => (w.endsWith('*') ? `${escapeRegExp(w.slice(0, -1))}\\S*` : escapeRegExp(w)));
        index.phrases.push({ pattern: new RegExp(` ${words.join(' ')} `, 'u'), phrase: compilePhrase(term), language });
      } else if (term.endsWith('*')) {
        const stem = term.slice(0, -1);
        index.prefixes.set(stem[0]!, [...(index.prefixes.get(stem[0]!) ?? []), { stem, language }]);
      } else addExact(term, language);
    }
  }
  return index;
}

const EVIDENCE = buildEvidenceIndex();

function countScript(text: string, script: RegExp): number {
  return text.match(script)?.length ?? 0;
}

/** Picks the language with the most evidence; `fallback` when there is none. */
export function detectLanguage(text: string, fallback: string): string {
  return detectLanguageOf(text, tokenize(text), fallback);
}

/** detectLanguage over the message's tokens, already split (labelling tokenizes each message once). */
export function detectLanguageOf(text: string, tokens: readonly string[], fallback: string): string {
  const latin = countScript(text, /\p{Script=Latin}/gu);
  const cyrillic = countScript(text, /\p{Script=Cyrillic}/gu);
  const arabic = countScript(text, /\p{Script=Arabic}/gu);
  if (cyrillic > 0 && cyrillic >= latin && cyrillic >= arabic) return 'ru';
  if (arabic > 0 && arabic >= latin) return 'ar';
  if (tokens.length === 0) return fallback;
  const scores: Record<LatinLanguage, number> = { en: 0, sw: 0, es: 0, de: 0, fr: 0, pt: 0 };
  for (const t of tokens) {
    for (const language of EVIDENCE.exact.get(t) ?? []) scores[language] += 1;
    // One hit per language and token, however many of its stems the token starts with.
    let counted = '';
    for (const { stem, language } of EVIDENCE.prefixes.get(t[0]!) ?? []) {
      if (!t.startsWith(stem) || counted.includes(language)) continue;
      scores[language] += 1;
      counted += language;
    }
    if (SWAHILI_VERB.test(t)) scores.sw += 1;
  }
  const tokenSet = new Set(tokens);
  const joined = padded(tokens);
  for (const { pattern, phrase, language } of EVIDENCE.phrases) if (mayContain(tokenSet, phrase) && pattern.test(joined)) scores[language] += 1;
  for (const { letters, languages, weight } of LETTER_MARKS) if (letters.test(text)) for (const language of languages) scores[language] += weight;
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0) return fallback;
  if (second && best[1] === second[1]) return (scores as Record<string, number>)[fallback] === best[1] ? fallback : best[0];
  return best[0];
}
