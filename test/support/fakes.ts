/**
 * In-memory fakes for the core's ports. The fake store keeps every table in memory, makes each
 * repository call atomic (conditional updates check and write in one synchronous step), and runs
 * transactions one at a time with rollback, like a database with a single connection. Jobs
 * enqueued inside a transaction become visible only when it commits.
 */
import { createAccess, type Access } from '../../src/core/access.js';
import { createCommunityDirectory, type Community, type CommunityDirectory } from '../../src/core/communities.js';
import type {
  AuditEntry,
  SentRecord,
  ClaimedPost,
  ChatRecord,
  Clock,
  CoreMetrics,
  JobEnqueuer,
  LearnedEntry,
  MemberEvent,
  JobName,
  JobPayloads,
  Logger,
  NewDraft,
  NewOutboundPost,
  PlatformSender,
  SendOptions,
  Repositories,
  RoleGrant,
  Store,
} from '../../src/core/ports.js';
import type { PromptVersionRecord } from '../../src/core/prompts/prompt-ports.js';
import type {
  Author,
  CardView,
  ChatRef,
  ReactionUpdate,
  Draft,
  DraftKind,
  DraftWithMessage,
  InboundMessage,
  Invoker,
  Labels,
  OutboundPost,
  OutboxKind,
  OutboxStatus,
  Platform,
  Role,
  StoredMessage,
} from '../../src/core/types.js';
import { UNDECIDED } from '../../src/core/types.js';
import { draftJobs } from '../../src/core/job-batches.js';

// ---------------------------------------------------------------- clock

export interface FakeClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export const T0 = '2025-03-01T09:30:00.000Z';

export function createFakeClock(start: Date | string = T0): FakeClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

// ---------------------------------------------------------------- logger

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export interface RecordingLogger extends Logger {
  entries: LogEntry[];
}

/** A logger that records every call (children share the record, with their bindings merged). */
export function createRecordingLogger(bindings: Record<string, unknown> = {}, entries: LogEntry[] = []): RecordingLogger {
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: { ...bindings, ...(obj as Record<string, unknown>) }, msg });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => createRecordingLogger({ ...bindings, ...more }, entries),
  };
}

// ---------------------------------------------------------------- metrics

export interface RecordingMetrics extends CoreMetrics {
  ingested: number;
  drafts: DraftKind[];
  decisions: string[];
  posts: OutboxKind[];
  deferred: string[];
  latencies: Array<{ stage: string; seconds: number }>;
}

export function createRecordingMetrics(): RecordingMetrics {
  const m: RecordingMetrics = {
    ingested: 0,
    drafts: [],
    decisions: [],
    posts: [],
    deferred: [],
    latencies: [],
    messageIngested: (count) => {
      m.ingested += count;
    },
    draftCreated: (kind) => m.drafts.push(kind),
    decision: (outcome) => m.decisions.push(outcome),
    postSent: (kind) => m.posts.push(kind),
    postDeferred: (platform, reason) => m.deferred.push(`${platform}:${reason}`),
    pipelineLatency: (stage, seconds) => m.latencies.push({ stage, seconds }),
  };
  return m;
}

// ---------------------------------------------------------------- jobs

export interface RecordedJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Seconds the job is held back, when it is. */
  startAfterSeconds?: number;
}

export interface RecordingJobs extends JobEnqueuer {
  jobs: RecordedJob[];
  /** Payloads enqueued under `name`, in order. */
  of<N extends JobName>(name: N): Array<JobPayloads[N]>;
}

export function createRecordingJobs(jobs: RecordedJob[] = []): RecordingJobs {
  return {
    jobs,
    async enqueue(name, payloads, options) {
      const held = options?.startAfterSeconds !== undefined ? { startAfterSeconds: options.startAfterSeconds } : {};
      for (const payload of payloads) jobs.push({ name, payload, ...held } as RecordedJob);
    },
    of<N extends JobName>(name: N) {
      return jobs.filter((j) => j.name === name).map((j) => j.payload as JobPayloads[N]);
    },
  };
}

// ---------------------------------------------------------------- platform sender

export interface FakeSender extends PlatformSender {
  /** Every post handed to `send`, successful or not. */
  attempts: OutboundPost[];
  /** With `looks`: what findPosted finds per outbox id (a message id, or an error it throws). */
  posted: Map<number, string | Error>;
  /** Outbox ids findPosted was asked about. */
  lookups: number[];
  updates: Array<{ target: ChatRef; messageId: string; card: CardView; text: string }>;
  /** The next call to `send` runs `behaviour` instead of succeeding. */
  nextSend(behaviour: (post: OutboundPost, options?: SendOptions) => Promise<{ messageId: string }>): void;
  /** The options (the deadline's signal) each `send` and `findPosted` call was given, in order. */
  sendOptions: Array<SendOptions | undefined>;
  lookupOptions: Array<SendOptions | undefined>;
  /** With `batches`: every list of posts handed to `sendBatch`. */
  batches: OutboundPost[][];
  /** The next call to `sendBatch` throws `error` instead of succeeding. */
  failNextBatch(error: Error): void;
}

export function createFakeSender(options: { platform?: Platform; idempotentSend?: boolean; batches?: boolean; looks?: boolean } = {}): FakeSender {
  const queued: Array<(post: OutboundPost, options?: SendOptions) => Promise<{ messageId: string }>> = [];
  const batchFailures: Error[] = [];
  let n = 0;
  const sender: FakeSender = {
    platform: options.platform ?? 'sandbox',
    idempotentSend: options.idempotentSend ?? false,
    attempts: [],
    updates: [],
    batches: [],
    nextSend(behaviour) {
      queued.push(behaviour);
    },
    failNextBatch(error) {
      batchFailures.push(error);
    },
    posted: new Map(),
    lookups: [],
    sendOptions: [],
    lookupOptions: [],
    ...(options.looks
      ? {
          async findPosted(post: OutboundPost, lookupOptions?: SendOptions) {
            sender.lookups.push(post.id);
            sender.lookupOptions.push(lookupOptions);
            const found = sender.posted.get(post.id);
            if (found instanceof Error) throw found;
            return found === undefined ? null : { messageId: found };
          },
        }
      : {}),
    ...(options.batches
      ? {
          async sendBatch(posts: OutboundPost[]) {
            sender.batches.push(structuredClone(posts));
            const failure = batchFailures.shift();
            if (failure) throw failure;
            return posts.map(() => ({ messageId: `pm-${++n}` }));
          },
        }
      : {}),
    async send(post, sendOptions) {
      sender.attempts.push(structuredClone(post));
      sender.sendOptions.push(sendOptions);
      const behaviour = queued.shift();
      if (behaviour) return behaviour(post, sendOptions);
      n += 1;
      return { messageId: `pm-${n}` };
    },
    async updateCard(target, messageId, card, text) {
      sender.updates.push({ target, messageId, card, text });
    },
  };
  return sender;
}

// ---------------------------------------------------------------- store

export interface OutboxRow extends OutboundPost {
  dedupeKey: string;
  lastError: string | null;
  sentAt: Date | null;
}

export interface FakeState {
  nextId: { message: number; draft: number; outbox: number; chat: number };
  messages: Map<number, StoredMessage>;
  drafts: Map<number, Draft>;
  outbox: Map<number, OutboxRow>;
  audit: AuditEntry[];
  roles: Array<RoleGrant & { source: string }>;
  chats: Map<string, ChatRecord>;
  communities: Map<string, { id: string; name: string; language: string }>;
  members: Map<string, { platform: Platform; author: Author; lastSeen: Date }>;
  memberEvents: MemberEvent[];
  reactions: ReactionUpdate[];
  learned: LearnedEntry[];
  promptVersions: PromptVersionRecord[];
}

export interface SeedMessage {
  communityId?: string;
  chat?: ChatRef;
  chatTitle?: string | null;
  platformMessageId?: string;
  author?: Partial<Author>;
  text?: string;
  labels?: Labels | null;
  sentAt?: Date;
}

export interface SeedDraft extends Partial<Omit<Draft, 'id' | 'messageId'>> {
  message?: SeedMessage;
}

export interface FakeStore extends Store {
  state: FakeState;
  /** Jobs visible to workers: enqueued outside a transaction, or inside one that committed. */
  jobs: RecordingJobs;
  /** Transactions started (committed or not). */
  readonly transactionCount: number;
  /** Sizes of the message batches written (each one statement on a real database), in order. */
  readonly messageWrites: number[];
  /** Makes the next transaction (or the one after `skip` more) throw `error` after its body, and roll back. */
  failNextTransaction(error: Error, options?: { skip?: number }): void;
  grant(platform: Platform, userId: string, communityId: string, role: Role): void;
  seedMessage(seed?: SeedMessage): StoredMessage;
  seedDraft(seed?: SeedDraft): DraftWithMessage;
  seedOutbox(post: Partial<OutboxRow> & { kind: OutboxKind; target: ChatRef }): OutboxRow;
  auditOf(action: string): AuditEntry[];
}

const clone = <T>(value: T): T => structuredClone(value);
const chatKey = (ref: ChatRef) => `${ref.platform}\u0000${ref.chatId}`;

export function createFakeStore(options: { clock?: Clock } = {}): FakeStore {
  const clock = options.clock ?? createFakeClock();
  let state: FakeState = {
    nextId: { message: 1, draft: 1, outbox: 1, chat: 1 },
    messages: new Map(),
    drafts: new Map(),
    outbox: new Map(),
    audit: [],
    roles: [],
    chats: new Map(),
    communities: new Map(),
    members: new Map(),
    memberEvents: [],
    reactions: [],
    learned: [],
    promptVersions: [],
  };
  const committedJobs = createRecordingJobs();
  let transactionCount = 0;
  const messageWrites: number[] = [];
  let failing: { error: Error; transaction: number } | null = null;
  let lock: Promise<void> = Promise.resolve();

  /** The chat record of a ref, created when a test seeded messages without one. */
  const chatIdOf = (ref: ChatRef, communityId: string, title: string | null): number => {
    let record = state.chats.get(chatKey(ref));
    if (!record) {
      record = { id: state.nextId.chat++, communityId, ref: clone(ref), title, active: true };
      state.chats.set(chatKey(ref), record);
    }
    return record.id;
  };
  const chatById = (id: number) => [...state.chats.values()].find((c) => c.id === id) ?? null;
  const withMessage = (d: Draft): DraftWithMessage | null => {
    if (d.messageId === null) {
      const chat = chatById(d.targetChatId);
      return chat ? clone({ ...d, message: null, target: chat.ref, targetTitle: chat.title }) : null;
    }
    const message = state.messages.get(d.messageId);
    return message ? clone({ ...d, message, target: message.chat, targetTitle: message.chatTitle }) : null;
  };

  const insertOutbox = (p: NewOutboundPost): OutboxRow | null => {
    for (const row of state.outbox.values()) if (row.dedupeKey === p.dedupeKey) return null;
    const row: OutboxRow = {
      id: state.nextId.outbox++,
      kind: p.kind,
      target: clone(p.target),
      replyToMessageId: p.replyToMessageId,
      text: p.text,
      card: clone(p.card),
      poll: clone(p.poll ?? null),
      image: clone(p.image ?? null),
      draftId: p.draftId,
      status: 'pending',
      attempts: 0,
      platformMessageId: null,
      claimedAt: null,
      waitUntil: null,
      dedupeKey: p.dedupeKey,
      lastError: null,
      sentAt: null,
    };
    state.outbox.set(row.id, row);
    return row;
  };

  const toPost = (row: OutboxRow): OutboundPost => {
    const { dedupeKey: _k, lastError: _e, sentAt: _s, ...post } = clone(row);
    return post;
  };

  const transition = (id: number, from: OutboxStatus[], apply: (row: OutboxRow) => void): OutboundPost | null => {
    const row = state.outbox.get(id);
    if (!row || !from.includes(row.status)) return null;
    apply(row);
    return toPost(row);
  };

  /** A new pending draft with what every undecided draft has, stored; a copy is returned. */
  const storeDraft = (fields: Omit<Draft, 'id' | 'answeredByName' | 'answeredAt' | 'originalText' | 'status' | 'decidedBy' | 'decidedByName' | 'decidedAt' | 'decisionNote' | 'createdAt'>): Draft => {
    const draft: Draft = {
      id: state.nextId.draft++,
      ...fields,
      answeredByName: null,
      answeredAt: null,
      originalText: fields.text,
      status: 'pending',
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      decisionNote: null,
      createdAt: clock.now(),
    };
    state.drafts.set(draft.id, draft);
    return clone(draft);
  };

  const claimed = (post: OutboundPost | null): ClaimedPost | null =>
    post ? { ...post, draftStatus: post.draftId !== null ? (state.drafts.get(post.draftId)?.status ?? null) : null } : null;

  const markSentMany = async (sent: SentRecord[]) => {
    const decided = new Set<number>();
    for (const { id, platformMessageId, at, audit, shownDraftStatus } of sent) {
      const moved = transition(id, ['sending', 'unconfirmed'], (r) => {
        r.status = 'sent';
        r.platformMessageId = platformMessageId;
        r.sentAt = at;
        r.lastError = null;
      });
      if (!moved) continue;
      state.audit.push(clone(audit));
      const draft = moved.draftId !== null ? state.drafts.get(moved.draftId) : undefined;
      if (draft && shownDraftStatus != null && draft.status !== shownDraftStatus) decided.add(draft.id);
    }
    return [...decided];
  };

  const drafted = (messageId: number) => [...state.drafts.values()].some((d) => d.messageId === messageId || d.mergedMessageIds.includes(messageId));

  const repositories = (jobs: JobEnqueuer): Repositories => ({
    // Knowledge search is Postgres full-text search: the integration tests cover it; here only
    // learned entries are kept, matched by shared words.
    knowledge: {
      vectors: false,
      fileHashes: async () => new Map(),
      withKnowledge: async (ids) => new Set(ids.filter((id) => state.learned.some((e) => e.communityId === id))),
      replaceFile: async () => undefined,
      removeFiles: async () => undefined,
      async search(communityId, query) {
        return state.learned
          .filter((e) => e.communityId === communityId)
          .map((e) => ({ entry: e, hits: query.terms.filter((t) => e.question.toLowerCase().includes(t)).length }))
          .filter((x) => x.hits > 0)
          .map(({ entry, hits }) => ({ chunkId: entry.id, kind: 'learned' as const, source: `learned/${entry.draftId}`, heading: null, question: entry.question, text: entry.answer, language: entry.language, score: hits / query.terms.length }))
          .slice(0, query.limit);
      },
      async learn(entry) {
        const learned: LearnedEntry = { id: state.learned.length + 1, communityId: entry.communityId, question: entry.question, answer: entry.answer, language: entry.language, draftId: entry.draftId, createdBy: entry.createdBy, createdAt: clock.now() };
        state.learned.push(learned);
        return clone(learned);
      },
      listLearned: async (communityId, limit) => clone(state.learned.filter((e) => e.communityId === communityId).reverse().slice(0, limit)),
      async forget(communityId, id) {
        const at = state.learned.findIndex((e) => e.id === id && e.communityId === communityId);
        if (at >= 0) state.learned.splice(at, 1);
        return at >= 0;
      },
      chunksWithoutEmbedding: async () => [],
      saveEmbeddings: async () => undefined,
    },
    conversation: {
      async recentBefore(messageId, limit) {
        const q = state.messages.get(messageId);
        if (!q) return [];
        return [...state.messages.values()]
          .filter((m) => m.id < messageId && chatKey(m.chat) === chatKey(q.chat))
          .slice(-limit)
          .map((m) => ({ author: m.author.displayName, text: m.text, isBot: m.author.isBot, sentAt: m.sentAt }));
      },
      async recentBeforeMany(messageIds, limit) {
        return new Map(await Promise.all(messageIds.map(async (id) => [id, await this.recentBefore(id, limit)] as const)));
      },
      memberContextMany: async (messageIds) => new Map(messageIds.map((id) => [id, { firstSeenAt: null, complaints: 0 }])),
      async burstOf(messageId) {
        return state.messages.has(messageId) && !drafted(messageId) ? [messageId] : [];
      },
      memberContext: async () => ({ firstSeenAt: null, complaints: 0 }),
      async setLabels(messageId, labels) {
        const m = state.messages.get(messageId);
        if (m) m.labels = clone(labels);
      },
      markAnsweredBy: async () => [],
      pendingDraftsFor: async (messageIds) =>
        [...state.drafts.values()].filter((d) => d.status === 'pending' && [d.messageId ?? -1, ...d.mergedMessageIds].some((id) => messageIds.includes(id))).map((d) => d.id),
    },
    communities: {
      async upsert(list) {
        for (const c of list) state.communities.set(c.id, { ...c });
      },
    },
    chats: {
      async ensure(list, communityOf) {
        const out = new Map<string, ChatRecord>();
        for (const c of list) {
          const key = chatKey(c.ref);
          let record = state.chats.get(key);
          if (!record) {
            record = { id: state.nextId.chat++, communityId: communityOf(c.ref), ref: clone(c.ref), title: c.title ?? null, active: true };
            state.chats.set(key, record);
          }
          out.set(key, clone(record));
        }
        return out;
      },
      async get(id) {
        return clone(chatById(id));
      },
      async listActive(platform) {
        return [...state.chats.values()].filter((c) => c.ref.platform === platform && c.active).map((c) => clone(c));
      },
      async setActive(ref, active) {
        const record = state.chats.get(chatKey(ref));
        if (record) record.active = active;
        return Boolean(record);
      },
      async migrate(from, to) {
        const record = state.chats.get(chatKey(from));
        if (!record) return;
        state.chats.delete(chatKey(from));
        state.chats.set(chatKey(to), { ...record, ref: clone(to) });
        for (const m of state.messages.values()) if (chatKey(m.chat) === chatKey(from)) m.chat = { ...m.chat, chatId: to.chatId };
      },
    },
    reactions: {
      async apply(updates) {
        state.reactions.push(...clone(updates));
      },
    },
    memberEvents: {
      async record(events) {
        for (const e of events) {
          const seen = state.memberEvents.some((x) => chatKey(x.chat) === chatKey(e.chat) && x.member.id === e.member.id && x.kind === e.kind && x.at.getTime() === e.at.getTime());
          if (!seen) state.memberEvents.push(clone(e));
        }
      },
    },
    members: {
      async touch(authors) {
        for (const a of authors) state.members.set(`${a.platform}:${a.author.id}`, { platform: a.platform, author: clone(a.author), lastSeen: a.at });
      },
    },
    messages: {
      async markDeleted(chat, platformMessageIds, at) {
        const hit = [...state.messages.values()].filter((m) => chatKey(m.chat) === chatKey(chat) && platformMessageIds.includes(m.platformMessageId) && !m.deletedAt);
        for (const m of hit) m.deletedAt = at;
        return hit.map((m) => m.id);
      },
      async storeMany(batch, options = {}) {
        messageWrites.push(batch.length);
        const refs = [];
        const drafted: number[] = [];
        for (const b of batch) {
          const existing = [...state.messages.values()].find(
            (m) => chatKey(m.chat) === chatKey(b.inbound.chat) && m.platformMessageId === b.inbound.messageId,
          );
          if (existing) {
            refs.push({ id: existing.id, chatRef: b.inbound.chat, platformMessageId: b.inbound.messageId, inserted: false });
            continue;
          }
          const id = state.nextId.message++;
          state.messages.set(id, {
            id,
            communityId: b.communityId,
            chat: clone(b.inbound.chat),
            chatTitle: b.inbound.chatTitle ?? null,
            platformMessageId: b.inbound.messageId,
            author: clone(b.inbound.author),
            text: b.inbound.text,
            replyToMessageId: b.inbound.replyToMessageId ?? null,
            labels: clone(b.labels),
            sentAt: b.inbound.sentAt,
          });
          refs.push({ id, chatRef: b.inbound.chat, platformMessageId: b.inbound.messageId, inserted: true });
          if (b.audit) state.audit.push({ communityId: b.communityId, actor: 'jamii', action: b.audit.action, subject: `message:${id}`, details: clone(b.audit.details) });
          if (b.draftJob) drafted.push(id);
        }
        if (drafted.length > 0) await jobs.enqueue('draft', draftJobs(drafted, options.messagesPerDraftJob ?? 1), { startAfterSeconds: options.draftDelaySeconds });
        return refs;
      },
      async get(id) {
        const m = state.messages.get(id);
        return m ? clone(m) : null;
      },
      async getMany(ids) {
        return ids.flatMap((id) => {
          const m = state.messages.get(id);
          return m ? [clone(m)] : [];
        });
      },
      async updateText(edit) {
        const m = [...state.messages.values()].find((x) => chatKey(x.chat) === chatKey(edit.chat) && x.platformMessageId === edit.platformMessageId);
        if (!m) return null;
        m.text = edit.text;
        m.labels = clone(edit.labels);
        return { id: m.id };
      },
    },
    drafts: {
      lockDrafting: async () => undefined,
      async insertPost(d) {
        for (const existing of state.drafts.values()) if (existing.dedupeKey === d.dedupeKey) return null;
        return storeDraft({ messageId: null, ...d, mergedMessageIds: [], translation: null });
      },
      async insertMany(list) {
        const out: Draft[] = [];
        for (const d of list) {
          const made = await this.insert(d);
          if (made) out.push(made);
        }
        return out;
      },
      async insert(d: NewDraft) {
        for (const existing of state.drafts.values()) if (existing.messageId === d.messageId) return null;
        const message = state.messages.get(d.messageId);
        return storeDraft({
          ...d,
          targetChatId: message ? chatIdOf(message.chat, message.communityId, message.chatTitle) : 0,
          poll: null,
          details: {},
          dedupeKey: null,
          model: d.model ?? null,
          mergedMessageIds: d.mergedMessageIds ?? [],
          sources: d.sources ?? [],
          translation: d.translation ?? null,
          flags: d.flags ?? [],
        });
      },
      async get(id) {
        const d = state.drafts.get(id);
        return d ? withMessage(d) : null;
      },
      async statusOf(id) {
        return state.drafts.get(id)?.status ?? null;
      },
      async draftedMessageIds(messageIds) {
        return new Set([...state.drafts.values()].flatMap((d) => [d.messageId ?? -1, ...d.mergedMessageIds]).filter((id) => messageIds.includes(id)));
      },
      async listPending(communityIds, limit, kinds) {
        const rank = (kind: string) => (kind === 'negative' ? 0 : kind === 'question' ? 1 : 2);
        const severity = (d: Draft) => (d.messageId === null ? 0 : (state.messages.get(d.messageId)?.labels?.severity ?? 0));
        return [...state.drafts.values()]
          .filter((d) => d.status === 'pending' && communityIds.includes(d.communityId) && (!kinds || kinds.includes(d.kind)))
          .sort((a, b) => rank(a.kind) - rank(b.kind) || severity(b) - severity(a) || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
          .slice(0, limit)
          .flatMap((d) => withMessage(d) ?? []);
      },
      async claimOverdue(communityIds, cutoffs, at, detailed) {
        const severity = (d: Draft) => (d.messageId === null ? 0 : (state.messages.get(d.messageId)?.labels?.severity ?? 0));
        // drafts.reminded_at, kept on the draft so a rolled-back transaction forgets it.
        const reminded = (d: Draft) => d as Draft & { remindedAt?: Date };
        const due = [...state.drafts.values()]
          .filter((d) => d.status === 'pending' && (d.kind === 'question' || d.kind === 'negative') && !reminded(d).remindedAt && communityIds.includes(d.communityId))
          .filter((d) => d.createdAt.getTime() <= (d.kind === 'negative' && severity(d) >= 3 ? cutoffs.urgentBefore : cutoffs.before).getTime())
          .sort(
            (a, b) =>
              a.communityId.localeCompare(b.communityId) ||
              (a.kind === 'negative' ? 0 : 1) - (b.kind === 'negative' ? 0 : 1) ||
              severity(b) - severity(a) ||
              a.createdAt.getTime() - b.createdAt.getTime() ||
              a.id - b.id,
          );
        for (const d of due) reminded(d).remindedAt = at;
        const byCommunity = new Map<string, Draft[]>();
        for (const d of due) byCommunity.set(d.communityId, [...(byCommunity.get(d.communityId) ?? []), d]);
        return [...byCommunity].map(([communityId, list]) => ({ communityId, total: list.length, drafts: list.slice(0, detailed).flatMap((d) => withMessage(d) ?? []) }));
      },
      async countPendingByKind(communityIds) {
        const counts: Partial<Record<DraftKind, number>> = {};
        for (const d of state.drafts.values()) if (d.status === 'pending' && communityIds.includes(d.communityId)) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
        return counts;
      },
      async countPending(communityIds) {
        return [...state.drafts.values()].filter((d) => d.status === 'pending' && communityIds.includes(d.communityId)).length;
      },
      async decide(id, u) {
        const d = state.drafts.get(id);
        if (!d || d.status !== 'pending') return null;
        d.status = u.status;
        if (u.text !== undefined) d.text = u.text;
        d.decidedBy = u.decidedBy;
        d.decidedByName = u.decidedByName;
        d.decidedAt = u.decidedAt;
        d.decisionNote = u.note ?? null;
        return clone(d);
      },
      async markSent(id) {
        const d = state.drafts.get(id);
        if (d && (d.status === 'approved' || d.status === 'edited')) d.status = 'sent';
      },
      async expirePendingBefore(before) {
        const ids: number[] = [];
        for (const d of state.drafts.values()) {
          if (d.status === 'pending' && d.createdAt.getTime() < before.getTime()) {
            d.status = 'expired';
            ids.push(d.id);
          }
        }
        return ids;
      },
    },
    outbox: {
      async insert(p) {
        const row = insertOutbox(p);
        return row ? toPost(row) : null;
      },
      async insertMany(list) {
        return list.flatMap((p) => {
          const row = insertOutbox(p);
          return row ? [toPost(row)] : [];
        });
      },
      async get(id) {
        const row = state.outbox.get(id);
        return row ? toPost(row) : null;
      },
      claim: async (id) =>
        claimed(
          transition(id, ['pending'], (r) => {
            r.status = 'sending';
            r.attempts += 1;
            r.claimedAt = clock.now();
          }),
        ),
      reclaim: async (id) =>
        claimed(
          transition(id, ['sending'], (r) => {
            r.attempts += 1;
            r.claimedAt = clock.now();
          }),
        ),
      async markSent(id, platformMessageId, at, audit) {
        await markSentMany([{ id, platformMessageId, at, audit }]);
      },
      markSentMany,
      async claimPendingCards(ids) {
        const cards = ids.filter((id) => state.outbox.get(id)?.kind === 'card');
        return cards.flatMap((id) => {
          const post = claimed(
            transition(id, ['pending'], (r) => {
              r.status = 'sending';
              r.attempts += 1;
              r.claimedAt = clock.now();
            }),
          );
          return post ? [post] : [];
        });
      },
      async release(id, error) {
        transition(id, ['sending'], (r) => {
          r.status = 'pending';
          r.lastError = error;
          r.waitUntil = null;
        });
      },
      async postpone(id, error, until) {
        transition(id, ['sending'], (r) => {
          r.status = 'pending';
          r.lastError = error;
          r.waitUntil = new Date(until);
        });
      },
      async markUnconfirmed(id, error) {
        transition(id, ['sending', 'pending'], (r) => {
          r.status = 'unconfirmed';
          r.lastError = error;
        });
      },
      async markFailed(id, error) {
        transition(id, ['sending', 'pending'], (r) => {
          r.status = 'failed';
          r.lastError = error;
        });
      },
      requeue: async (id) =>
        transition(id, ['unconfirmed', 'failed'], (r) => {
          r.status = 'pending';
          r.waitUntil = null;
        }),
      async findReplyForDraft(draftId) {
        const row = [...state.outbox.values()].find((r) => r.draftId === draftId && (r.kind === 'reply' || r.kind === 'post'));
        return row ? toPost(row) : null;
      },
      async listCardsForDraft(draftId) {
        return [...state.outbox.values()].filter((r) => r.draftId === draftId && r.kind === 'card' && r.status === 'sent').map(toPost);
      },
      async countByStatus() {
        const counts: Record<string, number> = {};
        for (const r of state.outbox.values()) counts[r.status] = (counts[r.status] ?? 0) + 1;
        return counts;
      },
    },
    audit: {
      async write(entry) {
        state.audit.push(clone(entry));
      },
      async writeMany(entries) {
        for (const e of entries) state.audit.push(clone(e));
      },
    },
    roles: {
      async syncConfigured(grants) {
        state.roles = [...state.roles.filter((g) => g.source !== 'config'), ...grants.map((g) => ({ ...g, source: 'config' }))];
      },
      async syncSource(source, grants) {
        state.roles = [...state.roles.filter((g) => g.source !== source), ...grants.map((g) => ({ ...g, source }))];
      },
      async rolesOf(platform, userId) {
        return state.roles.filter((g) => g.platform === platform && g.userId === userId).map((g) => ({ communityId: g.communityId, role: g.role }));
      },
    },
    promptVersions: {
      async add(entry) {
        const version = Math.max(0, ...state.promptVersions.filter((v) => v.communityId === entry.communityId && v.name === entry.name).map((v) => v.version)) + 1;
        const record: PromptVersionRecord = { ...clone(entry), version, createdAt: clock.now() };
        state.promptVersions.push(record);
        return clone(record);
      },
      history: async (communityId, name) => clone(state.promptVersions.filter((v) => v.communityId === communityId && v.name === name).sort((a, b) => a.version - b.version)),
      get: async (communityId, name, version) => clone(state.promptVersions.find((v) => v.communityId === communityId && v.name === name && v.version === version) ?? null),
      async latestAll() {
        const latest = new Map<string, PromptVersionRecord>();
        for (const v of state.promptVersions) {
          const key = `${v.communityId}\u0000${v.name}`;
          if ((latest.get(key)?.version ?? 0) < v.version) latest.set(key, v);
        }
        return clone([...latest.values()]);
      },
    },
    // News runs against a real database (test/integration/news-*.test.ts); the fake store has none.
    feeds: new Proxy({} as Repositories['feeds'], {
      get: (_t, name) => () => Promise.reject(new Error(`the fake store has no feeds (${String(name)})`)),
    }),
    promptEvidence: {
      async draftOutcomes(communityId, promptName, limit) {
        return [...state.drafts.values()]
          .filter((d) => d.communityId === communityId && d.promptName === promptName)
          .sort((a, b) => b.id - a.id)
          .slice(0, limit)
          .map((d) => ({ promptVersion: d.promptVersion, status: d.status, originalText: d.originalText, text: d.text, decisionNote: d.decisionNote }));
      },
      async replayCandidates(communityId, since, limit) {
        const drafts = [...state.drafts.values()];
        return [...state.messages.values()]
          .filter((m) => m.communityId === communityId && m.sentAt.getTime() >= since.getTime() && !m.author.isBot)
          .map((m) => ({ m, d: drafts.find((d) => d.messageId === m.id) ?? null }))
          .filter(({ m, d }) => d !== null || m.labels?.isQuestion || m.labels?.isNegative)
          .sort((a, b) => b.m.sentAt.getTime() - a.m.sentAt.getTime() || b.m.id - a.m.id)
          .slice(0, limit)
          .map(({ m, d }) => ({
            messageId: m.id,
            draft: d && { id: d.id, kind: d.kind, status: d.status, text: d.text, originalText: d.originalText, promptName: d.promptName, promptVersion: d.promptVersion },
          }));
      },
      // News runs against a real database (see feeds above).
      async newsPosts() {
        return [];
      },
    },
    jobs,
  });

  const base = repositories(committedJobs);

  const store: FakeStore = {
    ...base,
    get state() {
      return state;
    },
    jobs: committedJobs,
    messageWrites,
    get transactionCount() {
      return transactionCount;
    },
    async transaction(fn) {
      transactionCount += 1;
      const number = transactionCount;
      const previous = lock;
      let release!: () => void;
      lock = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      const snapshot = clone(state);
      const staged = createRecordingJobs();
      try {
        const result = await fn(repositories(staged));
        if (failing?.transaction === number) {
          const { error } = failing;
          failing = null;
          throw error;
        }
        committedJobs.jobs.push(...staged.jobs);
        return result;
      } catch (error) {
        state = snapshot;
        throw error;
      } finally {
        release();
      }
    },
    failNextTransaction(error, options = {}) {
      failing = { error, transaction: transactionCount + 1 + (options.skip ?? 0) };
    },
    grant(platform, userId, communityId, role) {
      state.roles.push({ platform, userId, communityId, role, source: 'test' });
    },
    seedMessage(seed = {}) {
      const id = state.nextId.message++;
      const message: StoredMessage = {
        id,
        communityId: seed.communityId ?? 'alpha',
        chat: seed.chat ?? { platform: 'sandbox', chatId: 'general' },
        chatTitle: seed.chatTitle ?? null,
        platformMessageId: seed.platformMessageId ?? `m-${id}`,
        author: { id: 'amina', displayName: 'Amina', isBot: false, ...seed.author },
        text: seed.text ?? 'How do I reset my password?',
        replyToMessageId: null,
        labels: seed.labels === undefined ? { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['asks with a question mark'] } : seed.labels,
        sentAt: seed.sentAt ?? clock.now(),
      };
      state.messages.set(id, message);
      return clone(message);
    },
    seedDraft(seed = {}) {
      const { message: messageSeed, ...fields } = seed;
      const message = store.seedMessage({ communityId: fields.communityId, ...messageSeed });
      const text = fields.text ?? 'Thanks for your question, Amina! Our team is looking into it.';
      const draft: Draft = {
        id: state.nextId.draft++,
        messageId: message.id,
        communityId: message.communityId,
        kind: 'question',
        text,
        originalText: text,
        status: 'pending',
        reason: 'Question in en: asks with a question mark.',
        language: 'en',
        promptName: 'offline-question',
        promptVersion: '1+abcdef0',
        provider: 'offline',
        model: null,
        mergedMessageIds: [],
        sources: [],
        translation: null,
        flags: [],
        ...UNDECIDED,
        poll: null,
        details: {},
        dedupeKey: null,
        targetChatId: chatIdOf(message.chat, message.communityId, message.chatTitle),
        createdAt: clock.now(),
        ...fields,
      };
      state.drafts.set(draft.id, draft);
      return withMessage(draft)!;
    },
    seedOutbox(post) {
      const row = insertOutbox({
        kind: post.kind,
        target: post.target,
        replyToMessageId: post.replyToMessageId ?? null,
        text: post.text ?? 'text',
        card: post.card ?? null,
        draftId: post.draftId ?? null,
        dedupeKey: post.dedupeKey ?? `seed:${state.nextId.outbox}`,
      })!;
      Object.assign(row, {
        ...(post.status ? { status: post.status } : {}),
        ...(post.attempts !== undefined ? { attempts: post.attempts } : {}),
        ...(post.platformMessageId !== undefined ? { platformMessageId: post.platformMessageId } : {}),
      });
      return clone(row);
    },
    auditOf(action) {
      return state.audit.filter((a) => a.action === action);
    },
  };
  return store;
}

// ---------------------------------------------------------------- communities and people

/** Two communities: alpha (English, desk `desk`, the default) and beta (Spanish, desk `desk-beta`). */
export const TEST_COMMUNITIES: Community[] = [
  { id: 'alpha', name: 'Alpha Club', language: 'en', isDefault: true, chats: { sandbox: ['general'] }, desk: { sandbox: 'desk' } },
  { id: 'beta', name: 'Beta Club', language: 'es', isDefault: false, chats: { sandbox: ['plaza'] }, desk: { sandbox: 'desk-beta' } },
];

export function createTestCommunities(communities: Community[] = TEST_COMMUNITIES): CommunityDirectory {
  return createCommunityDirectory(structuredClone(communities));
}

export function invoker(userId: string, displayName = userId.charAt(0).toUpperCase() + userId.slice(1), platform: Platform = 'sandbox'): Invoker {
  return { platform, userId, displayName };
}

let inboundSeq = 0;

/** An inbound message from a member of the `general` sandbox chat unless told otherwise. */
export function inbound(text: string, overrides: Partial<InboundMessage> & { user?: string } = {}): InboundMessage {
  inboundSeq += 1;
  const { user, ...rest } = overrides;
  return {
    chat: { platform: 'sandbox', chatId: 'general' },
    messageId: `in-${inboundSeq}`,
    author: { id: user ?? 'amina', displayName: user ?? 'amina', isBot: false },
    text,
    sentAt: new Date(T0),
    ...rest,
  };
}

// ---------------------------------------------------------------- the core, wired over fakes

export interface FakeCore {
  clock: FakeClock;
  store: FakeStore;
  log: RecordingLogger;
  metrics: RecordingMetrics;
  communities: CommunityDirectory;
  access: Access;
}

/** Clock, store, logger, metrics, the two test communities and access checks over the fake store. */
export function createFakeCore(): FakeCore {
  const clock = createFakeClock();
  const store = createFakeStore({ clock });
  return {
    clock,
    store,
    log: createRecordingLogger(),
    metrics: createRecordingMetrics(),
    communities: createTestCommunities(),
    access: createAccess({ roles: store.roles, audit: store.audit }),
  };
}
