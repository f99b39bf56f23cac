/**
 * Sandbox room names. Rooms and desks are matched exactly, so they are lowercase only: a room
 * `DESK` beside the desk `desk` would take a manager's `/pending` as a member's message.
 */

/** 1–40 lowercase letters, digits, `-` or `_`, starting with a letter or digit. */
export const SANDBOX_ROOM_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Why `name` is not a room name, or null when it is one. */
export function roomNameProblem(name: string): string | null {
  if (SANDBOX_ROOM_NAME.test(name)) return null;
  if (SANDBOX_ROOM_NAME.test(name.toLowerCase())) return `room names are lowercase: use "${name.toLowerCase()}"`;
  return 'a room name is 1–40 lowercase letters, digits, "-" or "_"';
}
