/**
 * Sandbox user names. In the sandbox a user is whoever they type, so the name is the user id;
 * it is compared without case (`Manager` is `manager`, as `sandbox:manager` in JAMII_MANAGERS
 * means), and a name that would pass for the bot, or for the staff, is refused.
 */
import { foldLookalikes } from '../../core/safety/lookalikes.js';
import { SANDBOX_BOT_NAME } from './sandbox-platform.js';

/** The user id of a sandbox name: the name, lowercased. Platform ids elsewhere stay exact. */
export function sandboxUserId(name: string): string {
  return name.toLowerCase();
}

/** Names that say "staff": only a configured manager or admin may go by one. */
const STAFF_NAMES = ['manager', 'admin', 'administrator', 'moderator'];

/**
 * A name as it reads: invisible characters, case, spacing, punctuation and accents gone, and
 * look-alike letters folded to Latin (`J.A M I I`, `Jаmii` with a Cyrillic а, `Ｊａｍｉｉ` and
 * `Jamïi` are all `jamii`). Only compared, never shown.
 */
function readAs(name: string): string {
  return foldLookalikes(name.normalize('NFKD').replace(/\p{M}/gu, '')).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Why a member may not go by `name`, or null when they may. `staff` holds the sandbox user ids
 * of the configured managers and admins, who may use any name they are configured by.
 */
export function reservedNameProblem(name: string, staff: ReadonlySet<string>): string | null {
  if (staff.has(sandboxUserId(name))) return null;
  const read = readAs(name);
  if (read.includes(readAs(SANDBOX_BOT_NAME))) return `"${name}" would pass for ${SANDBOX_BOT_NAME}, the bot; choose another name`;
  if (STAFF_NAMES.includes(read)) return `"${name}" is reserved for the community's managers (JAMII_MANAGERS names them); choose another name`;
  return null;
}
