/**
 * Sandbox room names. Rooms and desks are matched exactly, so they are lowercase only: a room
 * `DESK` beside the desk `desk` would take a manager's `/pending` as a member's message.
 */

/** 1–40 lowercase letters, digits, `-` or `_`, starting with a letter or digit. */
export const SANDBOX_ROOM_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Longest room name. */
const ROOM_NAME_MAX = 40;

/**
 * The sandbox desk of a community that names none: `desk` for the default community, else
 * `desk-<id>`. A community id may be 40 characters, so a long one is cut and given a short hash
 * of the whole id: two long ids sharing their start still get two desks.
 */
export function defaultSandboxDesk(communityId: string, isDefault: boolean): string {
  if (isDefault) return 'desk';
  const name = `desk-${communityId}`;
  if (name.length <= ROOM_NAME_MAX) return name;
  let hash = 0;
  for (const ch of communityId) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  const suffix = `-${hash.toString(36).padStart(7, '0').slice(-7)}`;
  return `${name.slice(0, ROOM_NAME_MAX - suffix.length)}${suffix}`;
}

/** Why `name` is not a room name, or null when it is one. */
export function roomNameProblem(name: string): string | null {
  if (SANDBOX_ROOM_NAME.test(name)) return null;
  if (SANDBOX_ROOM_NAME.test(name.toLowerCase())) return `room names are lowercase: use "${name.toLowerCase()}"`;
  return 'a room name is 1–40 lowercase letters, digits, "-" or "_"';
}
