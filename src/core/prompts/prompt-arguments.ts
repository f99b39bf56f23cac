/**
 * The arguments of `/prompt <subcommand> …`, parsed into one shape per subcommand. Versions are
 * written `3`, `c3`, `v3` (override version 3) or `file` (the default in `prompts/`).
 */
import { JamiiError } from '../errors.js';
import { splitFirst } from '../commands/command-parser.js';
import { REPLAY_DEFAULT_DAYS, REPLAY_MAX_DAYS } from './prompt-replay.js';

export const PROMPT_USAGE = [
  '/prompt list',
  '/prompt show NAME [VERSION]',
  '/prompt set NAME <new text> (first line "# comment: why" is kept as the comment)',
  '/prompt diff NAME [V1] [V2]',
  '/prompt rollback NAME VERSION|file',
  '/prompt test NAME[@VERSION] <sample>  (a member\'s message; a news item for news-*; a chat or nothing for spark-model; nothing for report-narrative)',
  '/prompt replay NAME [VERSION] [days]  (recent questions and complaints; recent news posts or feed items for news-*)',
].join('\n');

/** A version as typed: an override number, or the file default. */
export type VersionRef = number | 'file';

export type PromptArgs =
  | { sub: 'list' }
  | { sub: 'show'; name: string; version: VersionRef | null }
  | { sub: 'set'; name: string; body: string; comment: string | null }
  | { sub: 'diff'; name: string; from: VersionRef | null; to: VersionRef | null }
  | { sub: 'rollback'; name: string; version: VersionRef }
  | { sub: 'test'; name: string; version: VersionRef | null; sample: string }
  | { sub: 'replay'; name: string; version: VersionRef | null; days: number };

const COMMENT_LINE = /^#\s*comment:\s*(.*)$/i;

function usage(problem: string): JamiiError {
  return new JamiiError('bad_arguments', `${problem}\nUsage:\n${PROMPT_USAGE}`);
}

/** `3`, `c3`, `v3`, `c3+abcdef0` → 3; `file` → 'file'; anything else → null. */
export function parseVersionRef(raw: string): VersionRef | null {
  if (/^file$/i.test(raw)) return 'file';
  const m = /^[cv]?(\d{1,6})(?:\+[0-9a-f]{7})?$/i.exec(raw);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

function versionArg(raw: string, what: string): VersionRef {
  const v = parseVersionRef(raw);
  if (v === null) throw usage(`"${raw}" is not a ${what} (write 3, c3 or file).`);
  return v;
}

/** Splits `# comment: …` off the first line of a new text. */
export function splitComment(text: string): { body: string; comment: string | null } {
  const [first, ...rest] = text.split('\n');
  const m = COMMENT_LINE.exec(first!.trim());
  if (!m) return { body: text.trim(), comment: null };
  return { body: rest.join('\n').trim(), comment: m[1]!.trim() || null };
}

function replayArgs(name: string, rest: string[]): { version: VersionRef | null; days: number } {
  let version: VersionRef | null = null;
  let days = REPLAY_DEFAULT_DAYS;
  const tokens = [...rest];
  const daysToken = (t: string) => /^\d+d$/i.test(t);
  if (tokens.length > 2) throw usage(`Too many arguments for /prompt replay ${name}.`);
  if (tokens[0] !== undefined && !daysToken(tokens[0])) version = versionArg(tokens.shift()!, 'version');
  if (tokens[0] !== undefined) {
    const m = /^(\d{1,3})d?$/i.exec(tokens[0]);
    if (!m) throw usage(`"${tokens[0]}" is not a number of days.`);
    days = Number(m[1]);
  }
  if (days < 1 || days > REPLAY_MAX_DAYS) throw usage(`Replay covers 1 to ${REPLAY_MAX_DAYS} days.`);
  return { version, days };
}

export function parsePromptArgs(args: string): PromptArgs {
  const [sub, afterSub] = splitFirst(args);
  const subcommand = sub.toLowerCase();
  if (subcommand === '' || subcommand === 'list') return { sub: 'list' };
  const [name, rest] = splitFirst(afterSub);
  if (!name) throw usage(`Which prompt? /prompt list shows their names.`);
  const words = rest === '' ? [] : rest.split(/\s+/);
  switch (subcommand) {
    case 'show':
      if (words.length > 1) throw usage('Too many arguments for /prompt show.');
      return { sub: 'show', name, version: words[0] === undefined ? null : versionArg(words[0], 'version') };
    case 'set': {
      // The text starts right after the name, on the same line or the next; newlines are kept.
      const text = afterSub.trim().slice(name.length).replace(/^[ \t]*\r?\n?/, '');
      const { body, comment } = splitComment(text);
      if (body === '') throw usage(`The new text of ${name} is missing: put it after the name, in the same message.`);
      return { sub: 'set', name, body, comment };
    }
    case 'diff':
      if (words.length > 2) throw usage('Too many arguments for /prompt diff.');
      return {
        sub: 'diff',
        name,
        from: words[0] === undefined ? null : versionArg(words[0], 'version'),
        to: words[1] === undefined ? null : versionArg(words[1], 'version'),
      };
    case 'rollback':
      if (words.length !== 1) throw usage('Give the version to roll back to (a number, or file).');
      return { sub: 'rollback', name, version: versionArg(words[0]!, 'version') };
    case 'test': {
      const [base, at] = name.split('@') as [string, string | undefined];
      // What the sample is depends on the prompt (a member's message, a news item, a chat, none): /prompt test checks it.
      return { sub: 'test', name: base, version: at === undefined ? null : versionArg(at, 'version'), sample: rest };
    }
    case 'replay':
      return { sub: 'replay', name, ...replayArgs(name, words) };
    default:
      throw usage(`Unknown /prompt subcommand "${sub}".`);
  }
}
