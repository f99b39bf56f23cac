/**
 * Invisible Unicode: characters a reader cannot see but a model reads (OWASP LLM01, "ASCII
 * smuggling" and zero-width tricks). Stripped from untrusted text on the way into a prompt and
 * from model output on the way out, so what a manager approves is exactly what members see.
 *
 * What goes, always:
 * - the tag block U+E0000–U+E007F (whole ASCII sentences can hide there), except the three
 *   RGI subdivision flags (England, Scotland, Wales) whose tag runs spell a fixed region code;
 * - every other format character (General Category Cf): zero-width space, word joiner,
 *   invisible operators, BOM, soft hyphen, bidi embeddings, overrides, isolates and marks
 *   (Trojan Source), Mongolian vowel separator, interlinear annotations, shorthand and musical
 *   format controls — except the visible Arabic/Syriac/Kaithi number signs that prefix digits;
 * - every other Default_Ignorable_Code_Point (Unicode's list of characters shown as nothing):
 *   combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free variation
 *   selectors, and the unassigned ignorable ranges (U+2065, U+FFF0–U+FFF8, U+E0080–U+E0FFF);
 * - variation selectors, except a single VS15/VS16 right after an emoji (❤️) or in a keycap (1️⃣);
 * - control characters other than tab, line feed and carriage return; U+2028/U+2029 become
 *   line feeds.
 *
 * What stays, in context only:
 * - ZERO WIDTH JOINER inside an emoji sequence (👨‍👩‍👧, 🏳️‍🌈) or between letters of a script
 *   that needs it for shaping (Arabic, Indic scripts…); between Latin letters it goes;
 * - ZERO WIDTH NON-JOINER between letters of those joining scripts, where orthography needs it
 *   (Persian "می‌خواهم", Hindi half-forms). Members write any language, so dropping it would
 *   misspell their words; around Latin, Cyrillic or punctuation it hides nothing legitimate and goes.
 *
 * The result is normalised to NFC, after stripping, so a split accent recomposes.
 */

const ZWNJ = 0x200c;
const ZWJ = 0x200d;
const VS15 = 0xfe0e;
const VS16 = 0xfe0f;
const COMBINING_KEYCAP = 0x20e3;
const BLACK_FLAG = 0x1f3f4;
const TAG_FIRST = 0xe0000;
const TAG_LAST = 0xe007f;
const TAG_CANCEL = 0xe007f;
const TAG_ASCII_OFFSET = 0xe0000;

/** Tag-run region codes of the RGI subdivision flags, the only legitimate use of the tag block. */
const RGI_SUBDIVISION_FLAG_CODES: ReadonlySet<string> = new Set(['gbeng', 'gbsct', 'gbwls']);

/** Cf characters that render visibly (they prefix a number) and so hide nothing. */
const VISIBLE_FORMAT_CHARS: ReadonlySet<number> = new Set([
  0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06dd, 0x070f, 0x0890, 0x0891, 0x08e2, 0x110bd, 0x110cd,
]);

/**
 * Every character a rule of stripInvisibleCounting acts on: controls other than tab, LF and CR;
 * format characters (ZWJ, ZWNJ and the tag block among them); default-ignorables (variation
 * selectors among them); the line and paragraph separators.
 */
const MAY_HIDE = /[^\P{Cc}\t\n\r]|[\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/u;
const FORMAT_CHAR = /^\p{Cf}$/u;
/** Unicode's own list of characters a renderer shows as nothing (fillers, selectors, reserved ranges). */
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const CONTROL_CHAR = /^\p{Cc}$/u;
const EMOJI = /^\p{Emoji}$/u;
const PICTOGRAPHIC = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]$/u;
/** Scripts whose shaping or orthography uses ZWJ/ZWNJ between letters. */
const JOINING_SCRIPTS = [
  'Arabic', 'Syriac', 'Nko', 'Mongolian', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya',
  'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Khmer', 'Myanmar', 'Tibetan',
];
const JOINING_SCRIPT_CHAR = new RegExp(`^[${JOINING_SCRIPTS.map((script) => `\\p{Script=${script}}`).join('')}]$`, 'u');

function charOf(cp: number | undefined): string {
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function isEmojiModifierOrPresentation(cp: number): boolean {
  return cp === VS16 || cp === VS15 || (cp >= 0x1f3fb && cp <= 0x1f3ff);
}

/** The last code point already kept that is not a presentation selector or skin tone. */
function emojiBaseBefore(kept: number[]): number | undefined {
  for (let i = kept.length - 1; i >= 0; i -= 1) {
    const cp = kept[i]!;
    if (!isEmojiModifierOrPresentation(cp)) return cp;
  }
  return undefined;
}

function joinsLetters(prev: number | undefined, next: number | undefined): boolean {
  return JOINING_SCRIPT_CHAR.test(charOf(prev)) && JOINING_SCRIPT_CHAR.test(charOf(next));
}

/** Length of an RGI subdivision-flag tag run starting at `start`, or 0 when it is not one. */
function rgiTagRunLength(cps: number[], start: number): number {
  let code = '';
  for (let i = start; i < cps.length; i += 1) {
    const cp = cps[i]!;
    if (cp === TAG_CANCEL) return RGI_SUBDIVISION_FLAG_CODES.has(code) ? i - start + 1 : 0;
    if (cp < TAG_FIRST || cp > TAG_LAST) return 0;
    code += String.fromCharCode(cp - TAG_ASCII_OFFSET);
    if (code.length > 7) return 0;
  }
  return 0;
}

function isAlwaysInvisible(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  const char = String.fromCodePoint(cp);
  if (CONTROL_CHAR.test(char)) return true;
  if (FORMAT_CHAR.test(char)) return !VISIBLE_FORMAT_CHARS.has(cp);
  return DEFAULT_IGNORABLE.test(char);
}

/** Result of {@link stripInvisibleCounting}. */
export interface StrippedText {
  /** The text without invisible characters, NFC-normalised. */
  text: string;
  /** How many code points were removed (line/paragraph separators turned into line feeds count). */
  removed: number;
}

/**
 * {@link stripInvisible}, also reporting how many characters went, for audit details
 * ("removed 14 invisible characters").
 */
export function stripInvisibleCounting(text: string): StrippedText {
  // Most messages hold none of the characters any rule below acts on: then only NFC is left to do.
  if (!MAY_HIDE.test(text)) return { text: text.normalize('NFC'), removed: 0 };
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  const kept: number[] = [];
  let removed = 0;
  for (let i = 0; i < cps.length; i += 1) {
    const cp = cps[i]!;
    const prev = kept[kept.length - 1];
    const next = cps[i + 1];
    if (cp === 0x2028 || cp === 0x2029) {
      kept.push(0x0a);
      removed += 1;
      continue;
    }
    if (cp >= TAG_FIRST && cp <= TAG_LAST) {
      const run = prev === BLACK_FLAG ? rgiTagRunLength(cps, i) : 0;
      if (run > 0) {
        kept.push(...cps.slice(i, i + run));
        i += run - 1;
      } else {
        removed += 1;
      }
      continue;
    }
    if (cp === ZWJ) {
      const base = emojiBaseBefore(kept);
      const inEmoji = PICTOGRAPHIC.test(charOf(base)) && PICTOGRAPHIC.test(charOf(next));
      if (inEmoji || joinsLetters(prev, next)) kept.push(cp);
      else removed += 1;
      continue;
    }
    if (cp === ZWNJ) {
      if (joinsLetters(prev, next)) kept.push(cp);
      else removed += 1;
      continue;
    }
    if (cp === VS15 || cp === VS16) {
      const afterEmoji = prev !== undefined && EMOJI.test(charOf(prev)) && !isEmojiModifierOrPresentation(prev);
      // Digits, # and * are "emoji" only as keycaps: 1️⃣.
      const ascii = prev !== undefined && prev < 0x80;
      if (afterEmoji && (!ascii || next === COMBINING_KEYCAP)) kept.push(cp);
      else removed += 1;
      continue;
    }
    if (isAlwaysInvisible(cp)) {
      removed += 1;
      continue;
    }
    kept.push(cp);
  }
  return { text: kept.map((cp) => String.fromCodePoint(cp)).join('').normalize('NFC'), removed };
}

/**
 * Removes invisible and formatting characters that can hide text from a human reader (tag
 * characters, zero-width characters, bidi controls, stray variation selectors, fillers), keeps
 * what real emoji and joining scripts need, and normalises to NFC. See the module comment.
 */
export function stripInvisible(text: string): string {
  return stripInvisibleCounting(text).text;
}

/** True when {@link stripInvisible} would remove anything (not counting NFC normalisation). */
/** {@link stripInvisible}, on one line: whitespace runs become one space, ends trimmed (names, titles, short samples). */
export function visibleLine(text: string): string {
  return stripInvisible(text).replace(/\s+/gu, ' ').trim();
}

export function hasInvisible(text: string): boolean {
  return stripInvisibleCounting(text).removed > 0;
}
