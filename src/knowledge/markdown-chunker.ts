/**
 * Turns a knowledge file into retrievable chunks. Markdown is split at headings; each chunk
 * keeps its heading trail ("Shipping › International") so a card can say where a fact came
 * from. A section whose heading is a question (or any `##` section of a file named like
 * `faq*`) becomes a question/answer entry. Long sections are split at paragraph boundaries.
 */
import type { KnowledgeKind } from '../core/types.js';

/** Longest chunk, in characters: a passage a model (or a manager) reads at a glance. */
export const KNOWLEDGE_CHUNK_MAX_CHARS = 1_200;
/** Joins heading levels in a chunk's heading trail. */
export const HEADING_SEPARATOR = ' › ';

export interface ChunkDraft {
  kind: Exclude<KnowledgeKind, 'learned'>;
  heading: string | null;
  question: string | null;
  text: string;
  /** From front matter (`language: ru`) or the file name (`faq.ru.md`); null when unknown. */
  language: string | null;
  position: number;
}

const HEADING_RE = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE_RE = /^(```|~~~)/;

/** `faq.ru.md` → `ru`; `guide.md` → null. */
export function languageFromPath(path: string): string | null {
  const match = /\.([a-z]{2})\.(md|markdown|txt)$/i.exec(path);
  return match ? match[1]!.toLowerCase() : null;
}

function stripFrontMatter(content: string): { body: string; language: string | null } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(content);
  if (!match) return { body: content, language: null };
  const language = /^language:\s*["']?([a-z]{2})["']?\s*$/im.exec(match[1]!)?.[1]?.toLowerCase() ?? null;
  return { body: content.slice(match[0].length), language };
}

function isQuestionHeading(heading: string): boolean {
  return /[?？]\s*$/u.test(heading) || heading.startsWith('¿');
}

/** Splits text into pieces of at most `max` characters, at paragraph, then line, then word boundaries. */
export function splitText(text: string, max: number = KNOWLEDGE_CHUNK_MAX_CHARS): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) pieces.push(current.trim());
    current = '';
  };
  for (const paragraph of text.split(/\n{2,}/)) {
    const candidate = current ? `${current}\n\n${paragraph}` : paragraph;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    push();
    if (paragraph.length <= max) {
      current = paragraph;
      continue;
    }
    // One paragraph longer than a chunk: cut at word boundaries.
    let rest = paragraph;
    while (rest.length > max) {
      const cut = rest.lastIndexOf(' ', max);
      const at = cut > max / 2 ? cut : max;
      pieces.push(rest.slice(0, at).trim());
      rest = rest.slice(at).trim();
    }
    current = rest;
  }
  push();
  return pieces;
}

interface Section {
  trail: string[];
  level: number;
  lines: string[];
}

/** Chunks one file. `path` is relative to the knowledge folder (it decides FAQ-ness and language). */
export function chunkDocument(path: string, content: string): ChunkDraft[] {
  const { body, language: declared } = stripFrontMatter(content.replace(/\r\n/g, '\n'));
  const language = declared ?? languageFromPath(path);
  const isFaqFile = /(^|\/)faq[^/]*$/i.test(path);
  const isMarkdown = !/\.txt$/i.test(path);

  const sections: Section[] = [];
  // Headings still open above the current line, outermost first.
  const open: Array<{ level: number; title: string }> = [];
  let current: Section = { trail: [], level: 0, lines: [] };
  let inFence = false;
  for (const line of body.split('\n')) {
    if (FENCE_RE.test(line.trim())) inFence = !inFence;
    const heading = isMarkdown && !inFence ? HEADING_RE.exec(line) : null;
    if (!heading) {
      current.lines.push(line);
      continue;
    }
    sections.push(current);
    const level = heading[1]!.length;
    const title = heading[2]!.replace(/[*_`]/g, '').trim();
    while (open.length > 0 && open.at(-1)!.level >= level) open.pop();
    open.push({ level, title });
    current = { trail: open.map((o) => o.title), level, lines: [] };
  }
  sections.push(current);

  const chunks: ChunkDraft[] = [];
  for (const section of sections) {
    const text = section.lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    if (!text) continue;
    const title = section.trail.at(-1) ?? null;
    const faq = title !== null && (isQuestionHeading(title) || (isFaqFile && section.level >= 2));
    for (const piece of splitText(text)) {
      chunks.push({
        kind: faq ? 'faq' : 'document',
        heading: section.trail.length > 0 ? section.trail.join(HEADING_SEPARATOR) : null,
        question: faq ? title : null,
        text: piece,
        language,
        position: chunks.length,
      });
    }
  }
  return chunks;
}
