/**
 * Offline, multilingual message labelling: language, question, negative feedback with severity.
 * Rules, not a model: fast enough to run at ingest for every message (well under a millisecond),
 * and explainable — every label carries the evidence a manager sees as the draft's reason.
 */
import type { Labels } from '../../core/types.js';

export type LanguageCode = 'en' | 'ru' | 'sw' | 'es';

interface LanguageRules {
  /** Frequent function words that identify the language. */
  stopwords: string[];
  /** Words (or two-word phrases) that open a question. */
  questionStarts: string[];
  /** Phrases anywhere in the text that ask for help. */
  questionPhrases: string[];
  /** Complaint vocabulary, weight 1 (mild) to 3 (strong). Prefix matches with a trailing `*`. */
  negative: Record<string, number>;
  negations: string[];
  intensifiers: string[];
}

const RULES: Record<LanguageCode, LanguageRules> = {
  en: {
    stopwords: ['the', 'and', 'is', 'are', 'to', 'of', 'it', 'you', 'my', 'this', 'that', 'for', 'with', 'have', 'was', 'not', 'i', 'me', 'what', 'how', 'your', 'be', 'can', 'do', 'does', 'on', 'in', 'a'],
    questionStarts: ['what', 'how', 'why', 'when', 'where', 'who', 'whom', 'which', 'whose', 'can', 'could', 'is', 'are', 'do', 'does', 'did', 'will', 'would', 'should', 'shall', 'may', 'has', 'have', 'any', 'anyone', 'anybody'],
    questionPhrases: ['does anyone know', 'anyone know', 'is there a way', 'i wonder', 'can someone', 'can anyone', 'need help', 'help me', 'please help', 'how do i', 'how can i', 'not sure how'],
    negative: {
      'terrible': 3, 'awful': 3, 'horrible': 3, 'worst': 3, 'scam': 3, 'disgusting': 3, 'furious': 3, 'unacceptable': 3, 'ripoff': 3, 'rip-off': 3, 'hate': 3, 'useless': 3, 'pathetic': 3,
      'refund': 2, 'broken': 2, 'bad': 2, 'disappointed': 2, 'disappointing': 2, 'angry': 2, 'annoyed': 2, 'annoying': 2, 'complaint': 2, 'complain*': 2, 'crash*': 2, 'bug': 2, 'bugs': 2, 'fail*': 2, 'poor': 2, 'rude': 2, 'ridiculous': 2, 'waste': 2, 'frustrat*': 2, 'never again': 3, 'still waiting': 2, 'not working': 2, "doesn't work": 2, "does not work": 2, "didn't work": 2, 'not happy': 2, 'overcharged': 2, 'slow': 1, 'late': 1, 'wrong': 1, 'issue': 1, 'problem': 1, 'error': 1, 'missing': 1, 'confusing': 1, 'expensive': 1, 'unhappy': 2, 'cancel': 1, 'stuck': 1,
    },
    negations: ['not', 'no', "isn't", "wasn't", "aren't", "don't", "doesn't", 'never', 'hardly', 'without'],
    intensifiers: ['very', 'really', 'so', 'extremely', 'totally', 'absolutely', 'completely', 'super', 'seriously'],
  },
  ru: {
    stopwords: ['и', 'в', 'не', 'на', 'я', 'что', 'с', 'как', 'а', 'то', 'это', 'по', 'но', 'у', 'вы', 'мы', 'мне', 'есть', 'для', 'уже', 'ли', 'бы', 'он', 'она', 'так', 'все', 'когда'],
    questionStarts: ['как', 'что', 'почему', 'зачем', 'когда', 'где', 'куда', 'откуда', 'кто', 'какой', 'какая', 'какие', 'какое', 'каким', 'сколько', 'чей', 'можно', 'подскажите', 'скажите', 'есть', 'кто-нибудь', 'разве', 'неужели'],
    questionPhrases: ['подскажите', 'не подскажете', 'кто знает', 'кто-нибудь знает', 'помогите', 'не знаю как', 'нужна помощь', 'можно ли', 'есть ли', 'как мне'],
    negative: {
      'ужасн*': 3, 'отвратительн*': 3, 'кошмар*': 3, 'обман*': 3, 'развод': 3, 'мошенни*': 3, 'хуже': 2, 'худш*': 3, 'ненавижу': 3, 'бесполезн*': 3, 'позор*': 3, 'безобрази*': 3, 'возмутительн*': 3,
      'плох*': 2, 'сломал*': 2, 'сломан*': 2, 'не работает': 2, 'не работают': 2, 'разочарован*': 2, 'жалоб*': 2, 'возврат*': 2, 'верните': 2, 'вернуть деньги': 3, 'глюч*': 2, 'баг*': 2, 'ошибк*': 1, 'проблем*': 1, 'медленн*': 1, 'долго': 1, 'до сих пор': 1, 'опять': 1, 'снова': 1, 'неудобн*': 1, 'дорого': 1, 'не доволен': 2, 'недоволен': 2, 'недовольн*': 2, 'зависает': 2, 'тормоз*': 1, 'бесит': 2, 'надоел*': 2, 'грубо': 2, 'хамство': 3,
    },
    negations: ['не', 'нет', 'ни', 'без', 'никогда'],
    intensifiers: ['очень', 'совсем', 'абсолютно', 'крайне', 'слишком', 'вообще', 'полностью', 'реально'],
  },
  sw: {
    stopwords: ['na', 'ya', 'wa', 'kwa', 'ni', 'za', 'la', 'katika', 'hii', 'huu', 'hiyo', 'kuna', 'sana', 'lakini', 'pia', 'mimi', 'wewe', 'yangu', 'yako', 'hapa', 'bado', 'tu', 'kama', 'si', 'hakuna', 'je', 'nini', 'habari', 'asante', 'tafadhali'],
    questionStarts: ['je', 'nini', 'vipi', 'kwa nini', 'kwanini', 'lini', 'wapi', 'nani', 'gani', 'ngapi', 'mbona', 'naweza', 'unaweza', 'mnaweza', 'kuna'],
    questionPhrases: ['naomba msaada', 'nisaidie', 'nisaidieni', 'mtu anajua', 'kuna mtu anajua', 'sijui jinsi', 'nifanyeje', 'tufanyeje', 'inakuwaje', 'ni vipi', 'kwa nini'],
    negative: {
      'mbaya sana': 3, 'wizi': 3, 'utapeli': 3, 'tapeli': 3, 'matapeli': 3, 'nimechukia': 3, 'nachukia': 3, 'hasira': 3, 'aibu': 2,
      'mbaya': 2, 'haifanyi kazi': 2, 'haifanyi': 2, 'imeharibika': 2, 'imeharibu': 2, 'mbovu': 2, 'malalamiko': 2, 'nimekasirika': 3, 'nimekata tamaa': 2, 'hatujapata': 2, 'sijapata': 2, 'nirudishiwe': 2, 'rudisha pesa': 3, 'usumbufu': 2, 'kero': 2, 'shida': 1, 'tatizo': 1, 'matatizo': 1, 'polepole': 1, 'imechelewa': 1, 'kuchelewa': 1, 'ghali': 1, 'hitilafu': 1, 'kosa': 1, 'bado nasubiri': 2, 'sijaridhika': 2,
    },
    negations: ['si', 'sio', 'siyo', 'hapana', 'hakuna', 'bila'],
    intensifiers: ['sana', 'kabisa', 'mno', 'kweli'],
  },
  es: {
    stopwords: ['el', 'la', 'los', 'las', 'de', 'que', 'y', 'en', 'un', 'una', 'es', 'no', 'por', 'para', 'con', 'mi', 'me', 'se', 'lo', 'del', 'al', 'pero', 'muy', 'ya', 'está', 'hay', 'como', 'yo', 'su'],
    questionStarts: ['qué', 'que', 'cómo', 'como', 'por qué', 'porque', 'cuándo', 'cuando', 'dónde', 'donde', 'quién', 'quien', 'cuál', 'cual', 'cuánto', 'cuanto', 'cuántos', 'puedo', 'puede', 'pueden', 'hay', 'alguien', 'es', 'existe', 'sabéis', 'saben'],
    questionPhrases: ['alguien sabe', 'me pueden ayudar', 'me podéis ayudar', 'necesito ayuda', 'ayuda por favor', 'no sé cómo', 'no se como', 'cómo puedo', 'como puedo', 'hay alguna forma'],
    negative: {
      'terrible': 3, 'horrible': 3, 'pésimo': 3, 'pesimo': 3, 'pésima': 3, 'estafa': 3, 'fraude': 3, 'asco': 3, 'odio': 3, 'inaceptable': 3, 'vergüenza': 3, 'lo peor': 3, 'nunca más': 3, 'inútil': 3,
      'malo': 2, 'mala': 2, 'mal': 2, 'roto': 2, 'rota': 2, 'no funciona': 2, 'decepcionado': 2, 'decepcionada': 2, 'decepción': 2, 'queja': 2, 'reclamación': 2, 'reembolso': 2, 'devolución': 2, 'enfadado': 2, 'enojado': 2, 'molesto': 2, 'fallo': 2, 'falla': 2, 'error': 1, 'problema': 1, 'lento': 1, 'tarde': 1, 'caro': 1, 'todavía espero': 2, 'sigo esperando': 2, 'grosero': 2,
    },
    negations: ['no', 'nunca', 'jamás', 'sin', 'tampoco', 'ni'],
    intensifiers: ['muy', 'súper', 'super', 'totalmente', 'realmente', 'demasiado', 'completamente', 'bastante'],
  },
};

export const OFFLINE_LANGUAGES = Object.keys(RULES) as LanguageCode[];

/** Lowercased word tokens, keeping letters of every script, apostrophes and inner dashes. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.map((t) => t.replace('’', "'")) ?? [];
}

const SPANISH_MARKS = /[ñ¿¡]|[áéíóú]/i;

/** Picks the language with the most evidence; `fallback` when there is none. */
export function detectLanguage(text: string, fallback: string): string {
  const cyrillic = (text.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const latin = (text.match(/\p{Script=Latin}/gu) ?? []).length;
  if (cyrillic > 0 && cyrillic >= latin) return 'ru';
  const tokens = tokenize(text);
  if (tokens.length === 0) return fallback;
  const scores: Record<string, number> = { en: 0, sw: 0, es: 0 };
  for (const lang of ['en', 'sw', 'es'] as const) {
    const stop = new Set(RULES[lang].stopwords);
    for (const t of tokens) if (stop.has(t)) scores[lang]! += 1;
  }
  if (SPANISH_MARKS.test(text)) scores.es! += 2;
  // A language's own question and complaint vocabulary is evidence for it too.
  for (const lang of ['en', 'sw', 'es'] as const) {
    const r = RULES[lang];
    for (const term of [...Object.keys(r.negative), ...r.questionPhrases]) if (term.includes(' ') || term.length > 4 ? phraseIndex(tokens, term) >= 0 : false) scores[lang]! += 1;
  }
  // Swahili negative verb forms (ha-/hai-/hau-/si- + verb) and -je/-we endings (nifanyeje, nirudishiwe).
  for (const t of tokens) if (/^(hai|hau|haku|hatu|ham|hawa|sija|siku)\p{L}{3,}$/u.test(t) || /^\p{L}{4,}(eje|iwe|ewe)$/u.test(t)) scores.sw! += 1;
  // Swahili verb morphology: ni-/u-/a-/tu-/m-/wa- subject + tense marker (-na-, -li-, -ta-, -me-).
  for (const t of tokens) if (/^(ni|u|a|tu|m|wa|ha|si)(na|li|ta|me|ja)\p{L}{3,}$/u.test(t)) scores.sw! += 0.5;
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0) return fallback;
  if (second && best[1] === second[1]) return scores[fallback] === best[1] ? fallback : best[0];
  return best[0];
}

function phraseIndex(tokens: string[], phrase: string): number {
  const words = phrase.split(' ');
  outer: for (let i = 0; i + words.length <= tokens.length; i++) {
    for (let j = 0; j < words.length; j++) {
      const w = words[j]!;
      const t = tokens[i + j]!;
      if (w.endsWith('*') ? !t.startsWith(w.slice(0, -1)) : t !== w) continue outer;
    }
    return i;
  }
  return -1;
}

interface Sentence {
  words: string[];
  /** Ends with "!" (or is wrapped in ¡…!): an exclamation, not a question. */
  exclaims: boolean;
}

/** Splits into sentences so "Thanks! How do I…" is still seen to open with "how". */
function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const m of text.matchAll(/([^.!?\n]+)([.!?\n]*)/gu)) {
    const words = tokenize(m[1]!);
    if (words.length > 0) out.push({ words, exclaims: m[2]!.includes('!') || m[1]!.trimStart().startsWith('¡') });
  }
  return out;
}

/** Clauses: negation never reaches across a comma or a full stop ("No, this is terrible"). */
function clauses(text: string): string[][] {
  return text
    .split(/[,.;:!?¡¿\n()]+/u)
    .map((c) => tokenize(c))
    .filter((t) => t.length > 0);
}

/** Exclamations shaped like questions: "What a day", "How nice", "Как здорово", "Qué bien". */
const EXCLAMATION_OPENERS: Record<LanguageCode, RegExp> = {
  en: /^(what an? |how (nice|cool|great|lovely|kind|sweet|awesome|amazing|fun|beautiful|good)\b)/,
  ru: /^(как (здорово|хорошо|классно|круто|приятно|мило|прекрасно)|какая (прелесть|красота)|какой (молодец|класс))/,
  es: /^((qu[eé]|c[oó]mo) (bien|bueno|bonito|lindo|genial|guay|rico|padre|chulo|maravilla|alegr[ií]a|suerte)|que (tengas|tengan|pases|pasen|disfrutes|disfruten))/,
  sw: /^(kumbe|hongera|heri)/,
};

export interface LabelOptions {
  /** The community's language: used when the text gives no evidence. */
  fallbackLanguage: string;
}

/** Labels one message. Pure and synchronous. */
export function labelMessage(text: string, options: LabelOptions): Labels {
  const language = detectLanguage(text, options.fallbackLanguage);
  const rules = RULES[(language in RULES ? language : 'en') as LanguageCode];
  const tokens = tokenize(text);
  const reasons: string[] = [];

  // --- question
  let isQuestion = false;
  if (/[?？¿]/u.test(text)) {
    isQuestion = true;
    reasons.push('asks with a question mark');
  } else {
    // "is", "are", "do" open statements too; trust them only in short sentences.
    const weakOpeners = new Set(['is', 'are', 'do', 'does', 'did', 'es', 'hay', 'есть', 'kuna', 'can', 'will', 'would', 'may', 'any', 'cuando', 'donde', 'quien', 'cual', 'cuanto', 'porque']);
    // Never questions without a question mark: "Have a nice day", "Que tengas…", "Como siempre…".
    const statementOpeners = new Set(['have', 'has', 'que', 'como']);
    const exclamation = EXCLAMATION_OPENERS[(language in EXCLAMATION_OPENERS ? language : 'en') as LanguageCode];
    for (const sentence of sentences(text)) {
      const { words } = sentence;
      if (sentence.exclaims || exclamation.test(words.join(' '))) continue;
      const opener = rules.questionStarts.find((q) => phraseIndex(words.slice(0, q.split(' ').length), q) === 0);
      if (!opener || statementOpeners.has(opener)) continue;
      if (!weakOpeners.has(opener) || words.length <= 8) {
        isQuestion = true;
        reasons.push(`opens with "${opener}"`);
        break;
      }
    }
    if (!isQuestion && language === 'ru' && tokens.includes('ли')) {
      isQuestion = true;
      reasons.push('uses the question particle "ли"');
    }
  }
  if (!isQuestion) {
    const phrase = rules.questionPhrases.find((p) => phraseIndex(tokens, p) >= 0);
    if (phrase) {
      isQuestion = true;
      reasons.push(`asks for help ("${phrase}")`);
    }
  }

  // --- negative feedback
  let score = 0;
  const hits: string[] = [];
  const clauseList = clauses(text);
  for (const [term, weight] of Object.entries(rules.negative)) {
    const termWords = term.split(' ');
    const selfNegated = rules.negations.some((n) => termWords.includes(n)) || termWords[0] === 'не' || termWords[0] === 'no';
    let counted = false;
    for (const clause of clauseList) {
      const at = phraseIndex(clause, term);
      if (at < 0) continue;
      // A negation just before the term, in the same clause, flips it ("not bad", "no es malo"),
      // unless the term carries its own negation ("not working").
      const window = clause.slice(Math.max(0, at - 3), at);
      if (!selfNegated && window.some((w) => rules.negations.includes(w))) continue;
      let w = weight;
      if (window.some((x) => rules.intensifiers.includes(x))) w += 1;
      score += w;
      counted = true;
      break;
    }
    if (counted) hits.push(term.replace('*', ''));
  }
  if (hits.length > 0) {
    const letters = text.replace(/[^\p{L}]/gu, '');
    const upper = text.replace(/[^\p{Lu}]/gu, '');
    if (letters.length >= 8 && upper.length / letters.length > 0.7) score += 1;
    if (/!{2,}/.test(text)) score += 1;
  }
  // A lone mild word ("problem", "slow") in a question is usually a request for help, not a complaint.
  const isNegative = score >= 2;
  const severity = isNegative ? Math.min(3, score >= 5 ? 3 : score >= 3 ? 2 : 1) : 0;
  if (isNegative) reasons.push(`complaint vocabulary: ${hits.slice(0, 3).map((h) => `"${h}"`).join(', ')}`);

  return { language, isQuestion, isNegative, severity, reasons };
}
