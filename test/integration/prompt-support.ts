/** Helpers shared by the /prompt integration suites. */
import type { TestJamii } from '../support/harness.js';

/** Posts a command on the desk and returns the text of Jamii's answer to it. */
export async function ask(t: TestJamii, user: string, text: string): Promise<string> {
  const { body } = await t.post('desk', user, text);
  const reply = (await t.messages('desk')).find((m) => m.fromBot && m.replyTo === body.id);
  if (!reply) throw new Error(`no answer to ${text}`);
  return reply.text;
}

/** Rows of a query on the app's own database. */
export async function rows<T = Record<string, unknown>>(t: TestJamii, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await t.jamii.db.sql.executeSql(sql, params)).rows as T[];
}
