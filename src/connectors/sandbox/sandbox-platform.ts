/**
 * The sandbox's own platform side, persisted in `sandbox_messages`: what members typed and
 * what the bot posted, with a change feed for the page. Jamii's core sees it only through the
 * connector, exactly like Telegram or Discord.
 */
import { EventEmitter } from 'node:events';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { JamiiError } from '../../core/errors.js';
import type { CardView } from '../../core/types.js';
import type { Database } from '../../db/database.js';
import { sandboxMessages } from '../../db/schema/index.js';

export const SANDBOX_BOT_NAME = 'Jamii';
/** Messages one GET returns at most (the newest ones, oldest first). */
export const SANDBOX_HISTORY_MAX = 500;

export interface SandboxMessage {
  id: string;
  chat: string;
  user: string;
  text: string;
  replyTo: string | null;
  fromBot: boolean;
  at: string;
  card?: CardView | undefined;
}

export interface SandboxChange {
  chat: string;
  id: string;
  kind: 'created' | 'updated';
}

type Row = typeof sandboxMessages.$inferSelect;

export function toSandboxMessage(r: Row): SandboxMessage {
  return {
    id: String(r.id),
    chat: r.chat,
    user: r.userName,
    text: r.text,
    replyTo: r.replyTo === null ? null : String(r.replyTo),
    fromBot: r.fromBot,
    at: r.createdAt.toISOString(),
    ...(r.card ? { card: r.card } : {}),
  };
}

export interface SandboxPlatform {
  postFromMember(chat: string, user: string, text: string, replyTo?: number | null): Promise<Row>;
  /** Bot post; with `outboxId`, a repeat returns the first post instead of posting again. */
  postFromBot(input: { chat: string; text: string; replyTo: number | null; card: CardView | null; outboxId: number | null }): Promise<{ id: number }>;
  /**
   * Several outbox rows' bot posts in one statement, ids in order. A row already posted (a
   * repeat) returns its first post, as `postFromBot` does.
   */
  postManyFromBot(inputs: Array<{ chat: string; text: string; replyTo: number | null; card: CardView | null; outboxId: number }>): Promise<Array<{ id: number }>>;
  updateBotPost(id: number, text: string, card: CardView | null): Promise<void>;
  /** Updates every copy of a draft's card (the desk card and those shown by /pending or /show). */
  updateCardCopies(draftId: number, text: string, card: CardView): Promise<void>;
  markDelivered(id: number): Promise<void>;
  undelivered(): Promise<Row[]>;
  history(chat: string, afterId?: number): Promise<SandboxMessage[]>;
  chats(): Promise<string[]>;
  changes: EventEmitter<{ change: [SandboxChange] }>;
}

export function createSandboxPlatform(db: Database): SandboxPlatform {
  const changes = new EventEmitter<{ change: [SandboxChange] }>();
  changes.setMaxListeners(0);
  const emit = (chat: string, id: number, kind: SandboxChange['kind']) => changes.emit('change', { chat, id: String(id), kind });

  return {
    changes,
    async postFromMember(chat, user, text, replyTo = null) {
      if (replyTo !== null) {
        // A reply answers a message of its own room: anything else would reach Jamii as a reply
        // to a message it never stored (sandbox messages are never deleted, so no race).
        const [found] = await db.orm.select({ id: sandboxMessages.id }).from(sandboxMessages).where(and(eq(sandboxMessages.id, replyTo), eq(sandboxMessages.chat, chat)));
        if (!found) throw new JamiiError('invalid_input', `"replyTo": there is no message ${replyTo} in "${chat}".`);
      }
      const [row] = await db.orm.insert(sandboxMessages).values({ chat, userName: user, text, replyTo }).returning();
      emit(chat, row!.id, 'created');
      return row!;
    },
    async postFromBot({ chat, text, replyTo, card, outboxId }) {
      // Every card and reply goes through here: one prepared statement, only the id read back.
      const { rows } = await db.sql.executeSql(
        `with posted as (
           insert into sandbox_messages (chat, user_name, text, reply_to, card, from_bot, outbox_id, delivered)
           values ($1, $2, $3, $4, $5::text::jsonb, true, $6, true)
           on conflict (outbox_id) do nothing
           returning id, true as created
         )
         select id, created from posted
         union all
         select id, false from sandbox_messages where outbox_id = $6 and not exists (select 1 from posted)`,
        [chat, SANDBOX_BOT_NAME, text, replyTo, card === null ? null : JSON.stringify(card), outboxId],
      );
      const row = rows[0] as { id: string | number; created: boolean } | undefined;
      if (row) {
        if (row.created) emit(chat, Number(row.id), 'created');
        return { id: Number(row.id) };
      }
      // The same outbox row posted at once by another send, committed after this statement began.
      const [existing] = await db.orm.select({ id: sandboxMessages.id }).from(sandboxMessages).where(eq(sandboxMessages.outboxId, outboxId!));
      if (!existing) throw new Error(`sandbox post for outbox row ${outboxId} was neither made nor found`);
      return existing;
    },
    async postManyFromBot(inputs) {
      if (inputs.length === 0) return [];
      // The posted rows, else (a repeat) the row posted before: the outer select's snapshot
      // does not see what `posted` inserts, so it finds only the earlier post.
      const { rows } = await db.sql.executeSql(
        `with v as (
           select * from unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::int8[]) with ordinality as v(chat, text, reply_to, card, outbox_id, ord)
         ), posted as (
           insert into sandbox_messages (chat, user_name, text, reply_to, card, from_bot, outbox_id, delivered)
           select chat, $6, text, reply_to, card::jsonb, true, outbox_id, true from v order by ord
           on conflict (outbox_id) do nothing
           returning id, outbox_id
         )
         select v.chat, coalesce(p.id, s.id) as id, p.id is not null as created
           from v left join posted p on p.outbox_id = v.outbox_id
                  left join sandbox_messages s on p.id is null and s.outbox_id = v.outbox_id
          order by v.ord`,
        [
          inputs.map((i) => i.chat),
          inputs.map((i) => i.text),
          inputs.map((i) => i.replyTo),
          inputs.map((i) => (i.card === null ? null : JSON.stringify(i.card))),
          inputs.map((i) => i.outboxId),
          SANDBOX_BOT_NAME,
        ],
      );
      const posts = rows as Array<{ chat: string; id: string | number | null; created: boolean }>;
      if (posts.length !== inputs.length || posts.some((p) => p.id === null)) {
        // A repeat of a post committed after this statement began: neither made nor seen here.
        throw new Error(`sandbox batch post of ${inputs.length} outbox rows found ${posts.filter((p) => p.id !== null).length}`);
      }
      for (const p of posts) if (p.created) emit(p.chat, Number(p.id), 'created');
      return posts.map((p) => ({ id: Number(p.id) }));
    },
    async updateBotPost(id, text, card) {
      const [row] = await db.orm
        .update(sandboxMessages)
        .set({ text, card, updatedAt: sql`now()` })
        .where(and(eq(sandboxMessages.id, id), eq(sandboxMessages.fromBot, true)))
        .returning({ chat: sandboxMessages.chat });
      if (row) emit(row.chat, id, 'updated');
    },
    async updateCardCopies(draftId, text, card) {
      const rows = await db.orm
        .update(sandboxMessages)
        .set({ text, card, updatedAt: sql`now()` })
        .where(and(eq(sandboxMessages.fromBot, true), sql`(${sandboxMessages.card} ->> 'draftId')::int = ${draftId}`))
        .returning({ id: sandboxMessages.id, chat: sandboxMessages.chat });
      for (const r of rows) emit(r.chat, r.id, 'updated');
    },
    async markDelivered(id) {
      await db.orm.update(sandboxMessages).set({ delivered: true }).where(eq(sandboxMessages.id, id));
    },
    async undelivered() {
      return db.orm
        .select()
        .from(sandboxMessages)
        .where(and(eq(sandboxMessages.delivered, false), eq(sandboxMessages.fromBot, false)))
        .orderBy(asc(sandboxMessages.id));
    },
    async history(chat, afterId) {
      const rows = await db.orm
        .select()
        .from(sandboxMessages)
        .where(afterId === undefined ? eq(sandboxMessages.chat, chat) : and(eq(sandboxMessages.chat, chat), gt(sandboxMessages.id, afterId)))
        .orderBy(desc(sandboxMessages.id))
        .limit(SANDBOX_HISTORY_MAX);
      return rows.reverse().map(toSandboxMessage);
    },
    async chats() {
      const rows = await db.orm.selectDistinct({ chat: sandboxMessages.chat }).from(sandboxMessages);
      return rows.map((r) => r.chat);
    },
  };
}
