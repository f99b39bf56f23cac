/**
 * System prompt leakage (OWASP LLM07): a draft that repeats the instructions Jamii gave the
 * model. Compared word by word, case-, punctuation-, whitespace- and look-alike-insensitively,
 * so reformatting ("1. You are…" → "you are"), Markdown or a homoglyph does not hide a leak.
 * A translated or paraphrased leak is not caught; keep facts members may hear in the knowledge
 * base, not in the system prompt, so repeating a fact never looks like a leak.
 */
import { foldLookalikes } from './lookalikes.js';
import { withoutUntrustedBlocks } from './untrusted.js';

/** A run of this many consecutive system-prompt words in a draft is a leak. */
export const PROMPT_LEAK_MIN_RUN_WORDS = 8;
/** A whole system-prompt line with at least this many words counts, even below the run length. */
export const PROMPT_LEAK_MIN_LINE_WORDS = 5;
/** …and at least this many letters and digits, so short generic lines ("Be kind.") do not. */
export const PROMPT_LEAK_MIN_LINE_CHARS = 24;
/**
 * Canary tokens: a system-prompt token of at least this many characters that joins letters and
 * digits with a hyphen or underscore ("MOSHI-42", "jm-7f3a9c") is distinctive, and seeing it in a
 * draft is a leak. Put one in a system prompt to catch leaks that paraphrase everything else.
 * Tokens without a separator ("Web3Club", "Expo2025") are names a reply may well repeat.
 */
export const PROMPT_LEAK_MIN_TOKEN_CHARS = 6;
/** Secret-looking tokens this long with letters and digits count without a separator (API keys). */
export const PROMPT_LEAK_MIN_KEY_CHARS = 20;
/** Longest fragment quoted in a problem detail. */
const LEAK_DETAIL_MAX_CHARS = 80;

function words(text: string): string[] {
  return foldLookalikes(text).split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
}

const TOKEN = /[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)*/gu;

function isCanary(token: string): boolean {
  if (!/\p{L}/u.test(token) || !/\p{N}/u.test(token)) return false;
  if (token.length >= PROMPT_LEAK_MIN_KEY_CHARS) return true;
  return token.length >= PROMPT_LEAK_MIN_TOKEN_CHARS && /[-_]/.test(token);
}

function distinctiveTokens(text: string): string[] {
  return [...foldLookalikes(text).matchAll(TOKEN)].map((m) => m[0]).filter(isCanary);
}

function containsRun(haystack: string, needle: string[]): boolean {
  return ` ${haystack} `.includes(` ${needle.join(' ')} `);
}

function quote(run: string[]): string {
  const text = run.join(' ');
  return text.length > LEAK_DETAIL_MAX_CHARS ? `${text.slice(0, LEAK_DETAIL_MAX_CHARS - 1)}…` : text;
}

/**
 * What a system prompt is compared by, worked out once per prompt text (a community's drafts
 * share a handful of prompts): its canary tokens, its folded words with every run of
 * PROMPT_LEAK_MIN_RUN_WORDS of them, and its distinctive short lines.
 */
interface PromptShape {
  canaries: string[];
  words: string[];
  /** Each run of PROMPT_LEAK_MIN_RUN_WORDS consecutive words, joined by spaces, by where it starts. */
  runs: string[];
  lines: string[][];
}

/** Prompt shapes kept (least recently used dropped first): a few prompts per community. */
const SHAPES_KEPT = 32;
const shapes = new Map<string, PromptShape>();

function shapeOf(rendered: string): PromptShape {
  const known = shapes.get(rendered);
  if (known) {
    shapes.delete(rendered);
    shapes.set(rendered, known);
    return known;
  }
  // Data blocks are what the draft may quote; only the instructions around them must not leak.
  const prompt = withoutUntrustedBlocks(rendered);
  const all = words(prompt);
  const runs: string[] = [];
  for (let i = 0; i + PROMPT_LEAK_MIN_RUN_WORDS <= all.length; i += 1) runs.push(all.slice(i, i + PROMPT_LEAK_MIN_RUN_WORDS).join(' '));
  const lines: string[][] = [];
  for (const line of prompt.split(/\r?\n/u)) {
    const lineWords = words(line);
    const letters = lineWords.join('').length;
    if (lineWords.length < PROMPT_LEAK_MIN_LINE_WORDS || letters < PROMPT_LEAK_MIN_LINE_CHARS) continue;
    if (lineWords.length >= PROMPT_LEAK_MIN_RUN_WORDS) continue;
    lines.push(lineWords);
  }
  const shape = { canaries: distinctiveTokens(prompt), words: all, runs, lines };
  shapes.set(rendered, shape);
  if (shapes.size > SHAPES_KEPT) shapes.delete(shapes.keys().next().value!);
  return shape;
}

/**
 * Fragments of any of `systemPrompts` that appear in `text` (data blocks made by `untrustedBlock`
 * inside a prompt are ignored: a draft may quote the knowledge it was given): runs of at least
 * {@link PROMPT_LEAK_MIN_RUN_WORDS} consecutive words, and distinctive whole lines (at least
 * {@link PROMPT_LEAK_MIN_LINE_WORDS} words and {@link PROMPT_LEAK_MIN_LINE_CHARS} letters).
 * and canary tokens (see {@link PROMPT_LEAK_MIN_TOKEN_CHARS}). Each fragment is reported
 * once, as folded words.
 */
export function promptLeaks(text: string, systemPrompts: readonly string[]): string[] {
  const draftWords = words(text);
  const draft = draftWords.join(' ');
  if (draft.length === 0) return [];
  const leaks = new Set<string>();
  // The draft's own canary-like tokens, read only when a prompt has canaries to look for.
  let draftTokens: Set<string> | null = null;
  // The draft's own runs: a prompt run is in the draft exactly when it is one of them.
  const draftRuns = new Set<string>();
  for (let i = 0; i + PROMPT_LEAK_MIN_RUN_WORDS <= draftWords.length; i += 1) draftRuns.add(draftWords.slice(i, i + PROMPT_LEAK_MIN_RUN_WORDS).join(' '));
  for (const rendered of systemPrompts) {
    const shape = shapeOf(rendered);
    if (shape.canaries.length > 0) {
      draftTokens ??= new Set(distinctiveTokens(text));
      for (const token of shape.canaries) if (draftTokens.has(token)) leaks.add(token);
    }
    const all = shape.words;
    for (let i = 0; i < shape.runs.length; i += 1) {
      if (!draftRuns.has(shape.runs[i]!)) continue;
      let end = i + PROMPT_LEAK_MIN_RUN_WORDS;
      while (end < all.length && containsRun(draft, all.slice(i, end + 1))) end += 1;
      leaks.add(quote(all.slice(i, end)));
      i = end - 1;
    }
    for (const lineWords of shape.lines) if (containsRun(draft, lineWords)) leaks.add(quote(lineWords));
  }
  return [...leaks];
}
