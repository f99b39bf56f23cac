/**
 * Turns typed text into a command invocation. Accepts `/name args`, Telegram's `/name@Bot args`,
 * and a leading `!` for platforms that reserve `/` (e.g. Slack threads). Not a command: null.
 */
export interface CommandLine {
  name: string;
  args: string;
}

export function parseCommandLine(text: string): CommandLine | null {
  const match = /^\s*[/!]([a-zA-Z][a-zA-Z0-9_-]*)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/** `12` or `#12` → 12. Anything else → null. */
export function parseDraftId(raw: string | undefined): number | null {
  if (!raw) return null;
  const m = /^#?(\d{1,9})$/.exec(raw.trim());
  if (!m) return null;
  const id = Number(m[1]);
  return id > 0 ? id : null;
}

/** Splits off the first word: `12 the rest` → ['12', 'the rest']. Newlines in the rest are kept. */
export function splitFirst(args: string): [string, string] {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!m) return ['', ''];
  return [m[1]!, (m[2] ?? '').trim()];
}
