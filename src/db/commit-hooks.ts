/** afterCommit hooks, shared by both database openers (database.ts, postgres-database.ts). */

/** afterCommit outside a transaction: at once. */
export function immediate(): (fn: () => void) => void {
  return (fn) => fn();
}

/** Runs a transaction, then the hooks it registered, only once it committed. */
export async function runCommitted<T>(fn: (hooks: Array<() => void>) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await fn(hooks);
  for (const hook of hooks) hook();
  return result;
}
