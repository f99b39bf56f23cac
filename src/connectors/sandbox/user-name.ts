/**
 * Sandbox user names. In the sandbox a user is whoever they type, so the name is the user id;
 * it is compared without case (`Manager` is `manager`, as `sandbox:manager` in JAMII_MANAGERS
 * means), and names that would pass for the bot are refused.
 */

/** The user id of a sandbox name: the name, lowercased. Platform ids elsewhere stay exact. */
export function sandboxUserId(name: string): string {
  return name.toLowerCase();
}
