/**
 * What a member's message is searched for in the knowledge base. Language-neutral on purpose:
 * no stemmer (Postgres ships none for Swahili, and a community writes in several languages);
 * instead each content word is cut to a prefix that covers its inflections ("доставка",
 * "доставки", "доставку" → `доста:*`; "delivery", "delivered" → `deliv:*`) and function words
 * of every supported language are dropped.
 */

/** Words shorter than this are searched as they are. */
const PREFIX_FROM_CHARS = 6;
/** A prefix keeps at least this many characters. */
const PREFIX_MIN_CHARS = 4;
/** At most this many terms per query: a long message is mostly its first sentences. */
export const SEARCH_TERMS_MAX = 24;

/** Letters folded as the index folds them (see db/schema/knowledge.ts): "envio" finds "envío". */
const FOLD_FROM = 'ёáéíóúüñàèìòùâêîôûç';
const FOLD_TO = 'еaeiouunaeiouaeiouc';
const FOLDED_LETTERS = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]));

/** Lowercases and folds a text the way the knowledge index does. */
export function fold(text: string): string {
  return text.toLowerCase().normalize('NFC').replace(/[ёáéíóúüñàèìòùâêîôûç]/g, (c) => FOLDED_LETTERS.get(c) ?? c);
}

const STOPWORDS = new Set(
  [
    // en
    'the a an and or but is are was were be been being to of in on at for with from by about as into it its this that these those i me my we our you your he she they them their what which who whom whose when where why how do does did done can could will would should shall may might must have has had not no yes so if then than there here just also too very please hi hello hey thanks thank anyone someone any some all get got im i\'m it\'s dont don\'t',
    // ru
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между привет здравствуйте пожалуйста спасибо подскажите скажите',
    // sw
    'na ya wa za la kwa ni katika kwenye hii hiyo huu huo hizi hizo yangu yako yake yetu yenu yao mimi wewe yeye sisi nyinyi wao je kama lakini au pia sana tu bado ndiyo hapana hapo hapa pale huko ile ule zile kuna hakuna nini gani vipi lini wapi nani habari jambo mambo asante tafadhali naomba nauliza swali hadi mpaka kwenda kutoka sasa leo kesho jana tena kila wote bila ili kwamba kuwa nina una ana tuna mna wana nime umewahi yupo ipo',
    // es
    'el la los las un una unos unas y o pero es son era fue ser de del al en con por para sin sobre a que qué como cómo cuando cuándo donde dónde quien quién cual cuál cuanto cuánto mi mis tu tus su sus yo tú él ella nosotros vosotros ellos ellas me te se nos le les lo ya no sí si muy más menos también este esta estos estas ese esa esos esas hay hola gracias por favor alguien algún alguna puedo puede pueden hacer tengo tiene',
    // de
    'der die das den dem des ein eine einen einem einer eines und oder aber ist sind war waren sein bin bist seid wird werden wurde zu von im in an am auf für mit aus bei nach über um als wie was wer wen wem wann wo warum wieso weshalb welche welcher welches ich mich mir mein meine meinen wir uns unser ihr euch euer du dich dir dein sie er es man nicht kein keine ja nein so wenn dann auch noch schon nur sehr bitte danke hallo hi jemand kann könnt kannst können habe hast hat haben gibt es mal denn doch',
    // fr
    'le la les un une des du de d l et ou mais est sont était être a ai as avons avez ont au aux en dans sur pour par avec sans sous que qu qui quoi quel quelle quels quelles comment quand où pourquoi combien je j me m moi mon ma mes tu te t toi ton ta tes il elle on nous vous ils elles se s son sa ses notre nos votre vos leur leurs ce cet cette ces c ne n pas très aussi oui non si bonjour salut merci svp quelqu un peut peux pouvez faire est-ce',
    // pt
    'o a os as um uma uns umas e ou mas é são era foi ser estar está estão de do da dos das no na nos nas em com por para pelo pela sem sobre que quem qual quais quando onde como porque por que quanto quanta eu me mim meu minha meus minhas tu te você vocês ele ela eles elas se seu sua seus suas nosso nossa isso isto esse essa este esta não sim muito mais também já ainda olá oi obrigado obrigada favor alguém algum alguma posso pode podem tem tenho há',
    // ar
    'في من إلى الى على عن مع و أو او ثم لكن هل ما ماذا متى أين اين كيف لماذا كم أي اي هذا هذه ذلك تلك هو هي هم نحن أنا انا أنت انت أنتم انتم لا نعم لم لن قد كان كانت يكون عند بعد قبل كل أيضا ايضا جدا مرحبا شكرا السلام عليكم من فضلك لو سمحت أحد احد ممكن يمكن أستطيع استطيع عندي هناك',
  ]
    .join(' ')
    .split(/\s+/)
    .map(fold),
);

/** Lowercased, folded words of a text (letters and digits of any script). */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/** The prefix a word is searched by. */
export function searchPrefix(word: string): string {
  if (word.length < PREFIX_FROM_CHARS) return word;
  return word.slice(0, Math.max(PREFIX_MIN_CHARS, word.length - 3));
}

/** Separates the alternatives of one search term: any of them matches (see {@link searchTerms}). */
export const TERM_ALTERNATIVES_SEPARATOR = '|';

const ARABIC_WORD = /^[\u0621-\u064A]+$/u;
/** Article and conjunctions written onto an Arabic word, longest first. */
const ARABIC_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال', 'و'];
/** Possessive and plural endings written onto an Arabic word, longest first. */
const ARABIC_SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ية', 'كم', 'هم', 'نا', 'ه', 'ة', 'ي', 'ك'];
/** An Arabic stem keeps at least this many letters. */
const ARABIC_STEM_MIN_CHARS = 3;

/**
 * The stem of an Arabic word: one article or conjunction and one ending off ("شحنتي" → "شحن",
 * "والتطبيق" → "تطبيق"). Arabic writes them onto the word, and the index keeps words whole.
 */
export function arabicStem(word: string): string {
  let stem = word;
  const prefix = ARABIC_PREFIXES.find((p) => stem.startsWith(p) && stem.length - p.length >= ARABIC_STEM_MIN_CHARS);
  if (prefix) stem = stem.slice(prefix.length);
  const suffix = ARABIC_SUFFIXES.find((x) => stem.endsWith(x) && stem.length - x.length >= ARABIC_STEM_MIN_CHARS);
  if (suffix) stem = stem.slice(0, -suffix.length);
  return stem;
}

/** How a word is searched: its prefix; an Arabic word by its stem, bare or with the article. */
function searchTerm(word: string): string {
  if (!ARABIC_WORD.test(word)) return searchPrefix(word);
  const stem = searchPrefix(arabicStem(word));
  return [stem, `ال${stem}`].join(TERM_ALTERNATIVES_SEPARATOR);
}

/** The alternatives of a search term (one, except for Arabic words). */
export const termAlternatives = (term: string): string[] => term.split(TERM_ALTERNATIVES_SEPARATOR);

/** French elides articles and pronouns onto the next word: "l'adresse" is searched as "adresse". */
const FRENCH_ELISION = /^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’](?=\p{L}{2})/u;

/** Distinct search terms of a message's content words, in order of appearance. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of words(text).map((w) => w.replace(FRENCH_ELISION, ''))) {
    if (STOPWORDS.has(word) || word.length < 2) continue;
    if (/^\d+$/.test(word) && word.length < 3) continue;
    const term = searchTerm(word.replace(/['’]/g, ''));
    if (!terms.includes(term)) terms.push(term);
    if (terms.length >= SEARCH_TERMS_MAX) break;
  }
  return terms;
}
