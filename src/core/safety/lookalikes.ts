/**
 * Folding for matching, not for display: text an attacker dresses up to slip past a check
 * ("＠everyone", "@еveryone" with a Cyrillic е, "𝐞𝐯𝐞𝐫𝐲𝐨𝐧𝐞") folds to the plain ASCII the
 * check looks for. The folded text is only ever compared, never shown or posted.
 */
import { stripInvisible } from './invisible.js';

/**
 * Cyrillic, Greek and Armenian letters that render like Latin ones. A short, deliberate table
 * (the full Unicode confusables list is thousands of entries); NFKC already handles fullwidth,
 * mathematical and other compatibility forms.
 */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', ү: 'y', ɡ: 'g', ɑ: 'a',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  ϲ: 'c', ϳ: 'j', օ: 'o', ս: 'u', հ: 'h', ո: 'n', ց: 'g', ᴇ: 'e', ʏ: 'y', ᴏ: 'o', ɴ: 'n', ʀ: 'r',
  ı: 'i', ȷ: 'j', ℓ: 'l',
};

const LOOKALIKE_PATTERN = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu');

/** Full stops a browser or a reader takes for "." in a domain name. */
const DOT_LOOKALIKES = /[。｡．︒]/gu;
/** Characters that read as "@". */
const AT_LOOKALIKES = /[＠﹫]/gu;

/**
 * Lowercase ASCII-leaning form of `text` for comparisons: invisible characters removed, NFKC
 * compatibility folding (fullwidth, mathematical letters), lowercased, Cyrillic/Greek look-alike
 * letters mapped to Latin, look-alike dots and at-signs mapped to ASCII. Mixed-script words fold
 * too, so Russian text folds into Latin-looking nonsense: use it to detect, never to transform.
 */
export function foldLookalikes(text: string): string {
  return stripInvisible(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(LOOKALIKE_PATTERN, (c) => LATIN_LOOKALIKES[c] ?? c)
    .replace(DOT_LOOKALIKES, '.')
    .replace(AT_LOOKALIKES, '@');
}
