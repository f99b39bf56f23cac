import { and, eq, inArray, sql } from 'drizzle-orm';
import { draftJobs, rowsPerJob } from '../../core/job-batches.js';
import type { ChatsRepository, JobEnqueuer, MessagesRepository, MessageToStore, StoredRef } from '../../core/ports.js';
import type { Platform, StoredMessage } from '../../core/types.js';
import type { DbSession, InlineJobEnqueuer, InlineJobInsert } from '../database.js';
import { chats, messages } from '../schema/index.js';
import { arrayLiteral } from './array-literal.js';
import { createMembersRepository, memberKey, memberUpsertParams, memberUpsertSql, type MemberCache, type MemberRow, type MemberSeen } from './members-repository.js';

const chatKey = (platform: string, chatId: string) => `${platform}\u0000${chatId}`;

type NewMessageRow = Omit<typeof messages.$inferInsert, 'chatId' | 'platformMessageId' | 'text' | 'createdAt'> & {
  chatId: number;
  platformMessageId: string;
  text: string;
  createdAt: Date;
  /** The author when the statement upserts them (authorId null): their platform and user id. */
  authorPlatform: string | null;
  authorUserId: string | null;
  /** Written to audit_log with the row (not for a redelivery). */
  audit: { communityId: string; action: string; details: Record<string, unknown> } | null;
  draftJob: boolean;
};

/** The session's job enqueuer; with `inline`, the message statement queues the draft jobs itself. */
export type MessageJobs = JobEnqueuer & Partial<Pick<InlineJobEnqueuer, 'inline'>>;

/** Parameters of the messages' rows; the members upsert's follow them. */
const MESSAGE_PARAMS = 21;

/**
 * The batch as one array per column, unnested by Postgres (array-literal.ts): 21 parameters
 * whatever the batch size (26 with authors to write), so the statement runs prepared.
 * Redelivered messages are skipped; the audit entries and draft jobs (`jobs`) of the rows
 * actually inserted ride on the same statement, so a question is stored with its draft job
 * without a transaction's round trips. Authors the members cache does not hold (new, renamed,
 * or not seen for a minute) are upserted by the same statement: a batch is one round trip.
 */
async function insertRows(
  s: DbSession,
  rows: NewMessageRow[],
  jobs: { insert: InlineJobInsert; messagesPerJob: number } | null,
  members: MemberSeen[],
): Promise<{ inserted: Array<{ id: number; chatId: number; platformMessageId: string }>; members: MemberRow[] }> {
  const column = (pick: (r: NewMessageRow) => string | number | boolean | null) => arrayLiteral(rows.map(pick));
  // The new messages marked for a draft, in id order, `messagesPerJob` to a job.
  const queued = jobs
    ? `, queued as (
       ${jobs.insert.sql(`(select jsonb_build_object('messageIds', jsonb_agg(d.id order by d.id)) as data
          from (select i.id, (row_number() over (order by i.id) - 1) / ${rowsPerJob(jobs.messagesPerJob)} as job
                  from inserted i join r on r.chat_id = i.chat_id and r.platform_message_id = i.platform_message_id
                 where r.draft_job) d
         group by d.job)`)}
     )`
    : '';
  const upserting = members.length > 0;
  // The author's id: known, or the row the members CTE just wrote.
  const author = upserting ? 'coalesce(r.author_id, m.id)' : 'r.author_id';
  const { rows: result } = await s.sql.executeSql(
    `with r as (
       select * from unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::bool[], $10::bool[], $11::int2[], $12::bool[], $13::bool[], $14::bool[], $15::text[],
                            $16::text[], $17::text[], $18::text[], $19::bool[], $20::text[], $21::text[])
         as r(chat_id, platform_message_id, thread_id, author_id, text, reply_to, language, labels,
              is_question, is_negative, severity, from_bot, is_service, needs_draft, created_at,
              audit_community_id, audit_action, audit_details, draft_job, author_platform, author_user_id)
     )${upserting ? `, m as (
       ${memberUpsertSql(MESSAGE_PARAMS + 1)}
     )` : ''}, inserted as (
       insert into messages (chat_id, platform_message_id, thread_id, author_id, text, reply_to_platform_message_id, language, labels,
                             is_question, is_negative, severity, from_bot, is_service, needs_draft, created_at)
       select r.chat_id, r.platform_message_id, r.thread_id, ${author}, r.text, r.reply_to, r.language, r.labels::jsonb,
              r.is_question, r.is_negative, r.severity, r.from_bot, r.is_service, r.needs_draft, r.created_at::timestamptz
         from r${upserting ? ' left join m on m.platform = r.author_platform and m.platform_user_id = r.author_user_id' : ''}
       on conflict (chat_id, platform_message_id) do nothing
       returning id, chat_id, platform_message_id
     ), audited as (
       insert into audit_log (community_id, actor, action, subject, details)
       select r.audit_community_id, 'jamii', r.audit_action, 'message:' || i.id, r.audit_details::jsonb
         from inserted i join r on r.chat_id = i.chat_id and r.platform_message_id = i.platform_message_id
        where r.audit_action is not null
     )${queued}
     ${
       upserting
         ? `select id, chat_id, platform_message_id, null::text as platform, null::text as platform_user_id, null::text as display_name, null::timestamptz as last_seen_at
              from inserted
            union all
            select id, null, null, platform, platform_user_id, display_name, last_seen_at from m`
         : 'select id, chat_id, platform_message_id from inserted'
     }`,
    [
      column((r) => r.chatId),
      column((r) => r.platformMessageId),
      column((r) => r.threadId ?? null),
      column((r) => r.authorId ?? null),
      column((r) => r.text),
      column((r) => r.replyToPlatformMessageId ?? null),
      column((r) => r.language ?? null),
      column((r) => (r.labels ? JSON.stringify(r.labels) : null)),
      column((r) => r.isQuestion ?? false),
      column((r) => r.isNegative ?? false),
      column((r) => r.severity ?? 0),
      column((r) => r.fromBot ?? false),
      column((r) => r.isService ?? false),
      column((r) => r.needsDraft ?? false),
      column((r) => r.createdAt.toISOString()),
      column((r) => r.audit?.communityId ?? null),
      column((r) => r.audit?.action ?? null),
      column((r) => (r.audit ? JSON.stringify(r.audit.details) : null)),
      column((r) => r.draftJob),
      column((r) => r.authorPlatform),
      column((r) => r.authorUserId),
      ...(upserting ? memberUpsertParams(members) : []),
    ],
  );
  // With the members CTE, its rows follow the messages' (platform is set on them only).
  const all = result as Array<{ id: number | string; chat_id: number | string | null; platform_message_id: string | null } & Partial<MemberRow>>;
  const messageRows = upserting ? all.filter((r) => r.platform == null) : all;
  return {
    inserted: messageRows.map((r) => ({ id: Number(r.id), chatId: Number(r.chat_id), platformMessageId: r.platform_message_id! })),
    members: upserting ? (all.filter((r) => r.platform != null) as MemberRow[]) : [],
  };
}

/** A row of selectByIds, as either driver returns it. */
interface MessageRow {
  id: number | string;
  community_id: string;
  platform: string;
  platform_chat_id: string;
  thread_id: string | null;
  title: string | null;
  platform_message_id: string;
  platform_user_id: string | null;
  display_name: string | null;
  is_bot: boolean | null;
  text: string;
  reply_to_platform_message_id: string | null;
  labels: StoredMessage['labels'];
  created_at: Date | string;
  deleted_at: Date | string | null;
  edited_at: Date | string | null;
}

export function createMessagesRepository(
  s: DbSession,
  communityOf: (platform: Platform, chatId: string) => string,
  deps: { chats: ChatsRepository; members?: MemberCache },
  jobs: MessageJobs,
): MessagesRepository {
  const chatsRepo = deps.chats;
  const membersRepo = createMembersRepository(s, deps.members);

  /**
   * Messages with their chat and author, by id: raw SQL with the ids as one array parameter, so
   * the text never changes (it runs prepared) and no query builder runs on this hot read
   * (drafting, cards). Timestamps arrive as Date or text depending on the driver.
   */
  const selectByIds = async (ids: number[]): Promise<StoredMessage[]> => {
    const { rows } = await s.sql.executeSql(
      `select m.id, c.community_id, c.platform, c.platform_chat_id, m.thread_id, c.title, m.platform_message_id,
              a.platform_user_id, a.display_name, a.is_bot, m.text, m.reply_to_platform_message_id, m.labels, m.created_at, m.deleted_at, m.edited_at
         from messages m join chats c on c.id = m.chat_id left join members a on a.id = m.author_id
        where m.id = any($1::int8[])`,
      [arrayLiteral(ids)],
    );
    return (rows as MessageRow[]).map(
      (r): StoredMessage => ({
        id: Number(r.id),
        communityId: r.community_id,
        chat: { platform: r.platform as Platform, chatId: r.platform_chat_id, threadId: r.thread_id ?? undefined },
        chatTitle: r.title,
        platformMessageId: r.platform_message_id,
        author: { id: r.platform_user_id ?? 'unknown', displayName: r.display_name ?? 'unknown', isBot: r.is_bot ?? false },
        text: r.text,
        replyToMessageId: r.reply_to_platform_message_id,
        labels: r.labels ?? null,
        sentAt: new Date(r.created_at),
        deletedAt: r.deleted_at === null ? null : new Date(r.deleted_at),
        editedAt: r.edited_at === null ? null : new Date(r.edited_at),
      }),
    );
  };

  return {
    async storeMany(batch: MessageToStore[], options = {}): Promise<StoredRef[]> {
      if (batch.length === 0) return [];
      const chatMap = await chatsRepo.ensure(
        batch.map((b) => ({ ref: b.inbound.chat, title: b.inbound.chatTitle })),
        (ref) => communityOf(ref.platform, ref.chatId),
      );
      // Authors the cache holds have their ids; the rest are upserted by the messages' statement.
      const members = membersRepo.plan(batch.map((b) => ({ platform: b.inbound.chat.platform, author: b.inbound.author, at: b.inbound.sentAt })));
      const memberIds = members.known;
      // Same message twice in one batch (a redelivery racing the original): keep the first.
      const seen = new Set<string>();
      const rows: NewMessageRow[] = [];
      for (const b of batch) {
        const chat = chatMap.get(chatKey(b.inbound.chat.platform, b.inbound.chat.chatId));
        if (!chat) throw new Error('chat was not ensured');
        const key = `${chat.id}\u0000${b.inbound.messageId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const labels = b.labels;
        const authorId = memberIds.get(memberKey(b.inbound.chat.platform, b.inbound.author.id)) ?? null;
        rows.push({
          chatId: chat.id,
          platformMessageId: b.inbound.messageId,
          threadId: b.inbound.chat.threadId ?? null,
          authorId,
          authorPlatform: authorId === null ? b.inbound.chat.platform : null,
          authorUserId: authorId === null ? b.inbound.author.id : null,
          text: b.inbound.text,
          replyToPlatformMessageId: b.inbound.replyToMessageId ?? null,
          language: labels?.language ?? null,
          labels,
          isQuestion: labels?.isQuestion ?? false,
          isNegative: labels?.isNegative ?? false,
          severity: labels?.severity ?? 0,
          fromBot: b.inbound.author.isBot,
          isService: b.inbound.isService ?? false,
          needsDraft: Boolean(labels && (labels.isQuestion || labels.isNegative)),
          createdAt: b.inbound.sentAt,
          audit: b.audit ? { communityId: b.communityId, ...b.audit } : null,
          draftJob: b.draftJob ?? false,
        });
      }
      const delay = { startAfterSeconds: options.draftDelaySeconds };
      const messagesPerJob = options.messagesPerDraftJob ?? 1;
      const inline = rows.some((r) => r.draftJob) ? (jobs.inline?.('draft', delay) ?? null) : null;
      const written = await insertRows(s, rows, inline ? { insert: inline, messagesPerJob } : null, members.upserts);
      membersRepo.remember(written.members, memberIds);
      const inserted = written.inserted;
      const insertedKeys = new Map(inserted.map((r) => [`${r.chatId}\u0000${r.platformMessageId}`, r.id]));
      const drafted = rows.filter((r) => r.draftJob).flatMap((r) => insertedKeys.get(`${r.chatId}\u0000${r.platformMessageId}`) ?? []);
      if (drafted.length > 0) {
        if (inline) inline.queued();
        else await jobs.enqueue('draft', draftJobs(drafted, messagesPerJob), delay);
      }
      const missing = rows.filter((r) => !insertedKeys.has(`${r.chatId}\u0000${r.platformMessageId}`));
      const existing = new Map<string, number>();
      if (missing.length > 0) {
        const found = await s.orm
          .select({ id: messages.id, chatId: messages.chatId, platformMessageId: messages.platformMessageId })
          .from(messages)
          .where(
            sql`(${messages.chatId}, ${messages.platformMessageId}) in (${sql.join(
              missing.map((r) => sql`(${r.chatId}, ${r.platformMessageId})`),
              sql`, `,
            )})`,
          );
        for (const f of found) existing.set(`${f.chatId}\u0000${f.platformMessageId}`, f.id);
      }
      const reported = new Set<string>();
      return batch.map((b) => {
        const chat = chatMap.get(chatKey(b.inbound.chat.platform, b.inbound.chat.chatId))!;
        const key = `${chat.id}\u0000${b.inbound.messageId}`;
        const newId = insertedKeys.get(key);
        const id = newId ?? existing.get(key);
        if (id === undefined) throw new Error(`message ${key} was neither inserted nor found`);
        // A duplicate inside one batch counts as inserted once, for its first occurrence.
        const inserted = newId !== undefined && !reported.has(key);
        reported.add(key);
        return { id, chatRef: b.inbound.chat, platformMessageId: b.inbound.messageId, inserted };
      });
    },

    async get(id) {
      return (await selectByIds([id]))[0] ?? null;
    },

    async getMany(ids) {
      if (ids.length === 0) return [];
      return selectByIds(ids);
    },

    async markDeleted(chat, platformMessageIds, at) {
      if (platformMessageIds.length === 0) return [];
      const rows = await s.orm
        .update(messages)
        .set({ deletedAt: at })
        .where(
          and(
            inArray(messages.platformMessageId, platformMessageIds),
            sql`${messages.chatId} = (select ${chats.id} from ${chats} where ${chats.platform} = ${chat.platform} and ${chats.platformChatId} = ${chat.chatId})`,
            sql`${messages.deletedAt} is null`,
          ),
        )
        .returning({ id: messages.id });
      return rows.map((r) => r.id);
    },

    async updateText(edit) {
      const labels = edit.labels;
      const rows = await s.orm
        .update(messages)
        .set({
          text: edit.text,
          labels,
          language: labels?.language ?? null,
          isQuestion: labels?.isQuestion ?? false,
          isNegative: labels?.isNegative ?? false,
          severity: labels?.severity ?? 0,
          needsDraft: Boolean(labels && (labels.isQuestion || labels.isNegative)),
          editedAt: edit.editedAt,
        })
        .where(
          and(
            eq(messages.platformMessageId, edit.platformMessageId),
            sql`${messages.chatId} = (select ${chats.id} from ${chats} where ${chats.platform} = ${edit.chat.platform} and ${chats.platformChatId} = ${edit.chat.chatId})`,
            // An older edit arriving late never overwrites a newer one.
            sql`(${messages.editedAt} is null or ${messages.editedAt} <= ${edit.editedAt})`,
          ),
        )
        .returning({ id: messages.id });
      if (rows[0]) return { id: rows[0].id, applied: true };
      const [existing] = await s.orm
        .select({ id: messages.id })
        .from(messages)
        .innerJoin(chats, eq(messages.chatId, chats.id))
        .where(and(eq(chats.platform, edit.chat.platform), eq(chats.platformChatId, edit.chat.chatId), eq(messages.platformMessageId, edit.platformMessageId)));
      return existing ? { id: existing.id, applied: false } : null;
    },
  };
}
