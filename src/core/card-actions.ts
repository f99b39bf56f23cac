/**
 * Card button ids: what a platform sends back when a button on a card is pressed. `approve:12`
 * names a command and a draft; Post anyway, `confirm:12:0k3x9a1b2c4`, also carries a version of
 * the held edit the card showed, so a press on a card drawn before another manager replaced the
 * edit never posts the new one unseen. Every id fits the tightest platform limit (Telegram's
 * 64-byte callback data; Discord's 100-character custom id and Slack's 255-character action id
 * and 2,000-character value are looser).
 */

/** A pressed button, read back: the command, the draft, and the version of what the card showed. */
export interface CardActionRef {
  command: string;
  draftId: number;
  /** The held edit's version the card carried (Post anyway); null for other buttons and for cards drawn before versions. */
  version: string | null;
}

/** Characters of a version: a 53-bit hash in base 36. */
export const CARD_VERSION_CHARS = 11;

/** The buttons that act on what the card shows, and so carry its version. */
const VERSIONED_COMMANDS: readonly string[] = ['confirm'];

const CARD_ACTION_ID = new RegExp(`^([a-z]+):(\\d{1,15})(?::([0-9a-z]{${CARD_VERSION_CHARS}}))?$`);

/** The id of a card's button: `command:draftId`, and `:version` when the button acts on what the card shows. */
export function cardActionId(command: string, draftId: number, version?: string): string {
  return version === undefined ? `${command}:${draftId}` : `${command}:${draftId}:${version}`;
}

/** A button id read back, or null when it is not one of ours. */
export function parseCardAction(id: string): CardActionRef | null {
  const m = CARD_ACTION_ID.exec(id);
  if (!m || (m[3] !== undefined && !VERSIONED_COMMANDS.includes(m[1]!))) return null;
  return { command: m[1]!, draftId: Number(m[2]), version: m[3] ?? null };
}

/**
 * A short version of a held edit's text, to tell the edit a card showed from one saved since.
 * Not a secret and not a defence against a forger (a manager may type /confirm anyway): a
 * 53-bit hash (cyrb53) over the UTF-16 code units, so two texts differing anywhere differ here.
 */
export function heldEditVersion(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return hash.toString(36).padStart(CARD_VERSION_CHARS, '0');
}
