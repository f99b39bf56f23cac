/**
 * The fake store's repositories around the messages: knowledge and learned answers, conversation
 * context, communities, chats, people (members, roles, events, reactions) and prompt versions.
 */
import { learnedSourceName } from '../../../src/core/knowledge/learned-ref.js';
import type { ChatRecord, LearnedEntry, Repositories } from '../../../src/core/ports.js';
import type { PromptVersionRecord } from '../../../src/core/prompts/prompt-ports.js';
import { chatKey, clone, type StoreContext } from './store-context.js';

export type PeopleRepositories = Omit<Repositories, 'messages' | 'drafts' | 'outbox' | 'audit' | 'jobs'>;

export function peopleRepositories(ctx: StoreContext): PeopleRepositories {
  const { chatById, drafted, clock } = ctx;
  return {
    knowledge: {
      vectors: false,
      fileHashes: async () => new Map(),
      withKnowledge: async (ids) => new Set(ids.filter((id) => ctx.state.learned.some((e) => e.communityId === id))),
      textsWithLinks: async (communityId) => ctx.state.learned.filter((e) => e.communityId === communityId).map((e) => `${e.question}\n${e.answer}`),
      replaceFile: async () => undefined,
      removeFiles: async () => undefined,
      async search(communityId, query) {
        return ctx.state.learned
          .filter((e) => e.communityId === communityId)
          .map((e) => ({ entry: e, hits: query.terms.filter((t) => e.question.toLowerCase().includes(t)).length }))
          .filter((x) => x.hits > 0)
          .map(({ entry, hits }) => ({ chunkId: entry.id, kind: 'learned' as const, source: learnedSourceName(entry.id), heading: null, question: entry.question, text: entry.answer, language: entry.language, score: hits / query.terms.length }))
          .slice(0, query.limit);
      },
      async learn(entry) {
        const learned: LearnedEntry = { id: ctx.state.learned.length + 1, communityId: entry.communityId, question: entry.question, answer: entry.answer, language: entry.language, draftId: entry.draftId, createdBy: entry.createdBy, createdAt: clock.now() };
        ctx.state.learned.push(learned);
        return clone(learned);
      },
      listLearned: async (communityId, limit) => clone(ctx.state.learned.filter((e) => e.communityId === communityId).reverse().slice(0, limit)),
      async forget(communityId, ref) {
        const at = ctx.state.learned.findIndex((e) => e.communityId === communityId && ('id' in ref ? e.id === ref.id : e.draftId === ref.draftId));
        return at >= 0 ? ctx.state.learned.splice(at, 1)[0]! : null;
      },
      learnedWithDecisions: async () =>
        clone(ctx.state.learned).map((e) => {
          const draft = e.draftId === null ? undefined : ctx.state.drafts.get(e.draftId);
          const message = draft?.messageId == null ? undefined : ctx.state.messages.get(draft.messageId);
          return { ...e, decidedText: draft?.text ?? null, memberName: message?.author.displayName ?? null };
        }),
      async replaceLearnedAnswer(communityId, id, change) {
        const entry = ctx.state.learned.find((e) => e.communityId === communityId && e.id === id);
        if (!entry || entry.answer !== change.from) return false;
        entry.answer = change.to;
        return true;
      },
      chunksWithoutEmbedding: async () => [],
      saveEmbeddings: async () => undefined,
    },
    conversation: {
      async recentBefore(messageId, limit) {
        const q = ctx.state.messages.get(messageId);
        if (!q) return [];
        return [...ctx.state.messages.values()]
          .filter((m) => m.id < messageId && chatKey(m.chat) === chatKey(q.chat))
          .slice(-limit)
          .map((m) => ({ author: m.author.displayName, text: m.text, isBot: m.author.isBot, sentAt: m.sentAt }));
      },
      async recentBeforeMany(messageIds, limit) {
        return new Map(await Promise.all(messageIds.map(async (id) => [id, await this.recentBefore(id, limit)] as const)));
      },
      memberContextMany: async (messageIds) => new Map(messageIds.map((id) => [id, { firstSeenAt: null, complaints: 0 }])),
      async burstOf(messageId) {
        return ctx.state.messages.has(messageId) && !drafted(messageId) ? [messageId] : [];
      },
      memberContext: async () => ({ firstSeenAt: null, complaints: 0 }),
      async setLabels(messageId, labels) {
        const m = ctx.state.messages.get(messageId);
        if (m) m.labels = clone(labels);
      },
      markAnsweredBy: async () => [],
      markAlreadyAnswered: async () => [],
      // Transactions run one at a time here, as on a single connection: nothing to order.
      lockAnswers: async () => undefined,
      openDraftsFor: async (messageIds) =>
        [...ctx.state.drafts.values()].filter((d) => ['pending', 'approved', 'edited'].includes(d.status) && [d.messageId ?? -1, ...d.mergedMessageIds].some((id) => messageIds.includes(id))).map((d) => d.id),
    },
    communities: {
      async upsert(list) {
        for (const c of list) ctx.state.communities.set(c.id, { ...c });
      },
    },
    chats: {
      async ensure(list, communityOf) {
        const out = new Map<string, ChatRecord>();
        for (const c of list) {
          const key = chatKey(c.ref);
          let record = ctx.state.chats.get(key);
          if (!record) {
            record = { id: ctx.state.nextId.chat++, communityId: communityOf(c.ref), ref: clone(c.ref), title: c.title ?? null, active: true };
            ctx.state.chats.set(key, record);
          }
          out.set(key, clone(record));
        }
        return out;
      },
      async assignListed(listed) {
        const moved: Array<{ chat: ChatRecord; from: string }> = [];
        for (const l of listed) {
          const record = ctx.state.chats.get(chatKey(l.ref));
          if (!record || record.communityId === l.communityId) continue;
          moved.push({ chat: clone({ ...record, communityId: l.communityId }), from: record.communityId });
          record.communityId = l.communityId;
        }
        return moved;
      },
      async get(id) {
        return clone(chatById(id));
      },
      async listActive(platform) {
        return [...ctx.state.chats.values()].filter((c) => c.ref.platform === platform && c.active).map((c) => clone(c));
      },
      async setActive(ref, active) {
        const record = ctx.state.chats.get(chatKey(ref));
        if (record) record.active = active;
        return Boolean(record);
      },
      async migrate(from, to) {
        const record = ctx.state.chats.get(chatKey(from));
        if (!record) return;
        ctx.state.chats.delete(chatKey(from));
        ctx.state.chats.set(chatKey(to), { ...record, ref: clone(to) });
        for (const m of ctx.state.messages.values()) if (chatKey(m.chat) === chatKey(from)) m.chat = { ...m.chat, chatId: to.chatId };
      },
    },
    reactions: {
      async apply(updates) {
        ctx.state.reactions.push(...clone(updates));
      },
    },
    memberEvents: {
      async record(events) {
        for (const e of events) {
          const seen = ctx.state.memberEvents.some((x) => chatKey(x.chat) === chatKey(e.chat) && x.member.id === e.member.id && x.kind === e.kind && x.at.getTime() === e.at.getTime());
          if (!seen) ctx.state.memberEvents.push(clone(e));
        }
      },
    },
    members: {
      async touch(authors) {
        for (const a of authors) ctx.state.members.set(`${a.platform}:${a.author.id}`, { platform: a.platform, author: clone(a.author), lastSeen: a.at });
      },
    },
    roles: {
      async syncConfigured(grants) {
        ctx.state.roles = [...ctx.state.roles.filter((g) => g.source !== 'config'), ...grants.map((g) => ({ ...g, source: 'config' }))];
      },
      async syncSource(source, grants) {
        ctx.state.roles = [...ctx.state.roles.filter((g) => g.source !== source), ...grants.map((g) => ({ ...g, source }))];
      },
      async setGrant(source, who, role) {
        const same = (g: (typeof ctx.state.roles)[number]) => g.source === source && g.communityId === who.communityId && g.platform === who.platform && g.userId === who.userId;
        ctx.state.roles = [...ctx.state.roles.filter((g) => !same(g)), ...(role ? [{ ...who, role, source }] : [])];
      },
      async clearGrants(source, platform, userId) {
        ctx.state.roles = ctx.state.roles.filter((g) => !(g.source === source && g.platform === platform && g.userId === userId));
      },
      async rolesOf(platform, userId) {
        const held = ctx.state.roles.filter((g) => g.platform === platform && g.userId === userId).map((g) => ({ communityId: g.communityId, role: g.role }));
        return held.filter((g, i) => held.findIndex((o) => o.communityId === g.communityId && o.role === g.role) === i);
      },
    },
    promptVersions: {
      async add(entry) {
        const version = Math.max(0, ...ctx.state.promptVersions.filter((v) => v.communityId === entry.communityId && v.name === entry.name).map((v) => v.version)) + 1;
        const record: PromptVersionRecord = { ...clone(entry), version, createdAt: clock.now() };
        ctx.state.promptVersions.push(record);
        return clone(record);
      },
      history: async (communityId, name) => clone(ctx.state.promptVersions.filter((v) => v.communityId === communityId && v.name === name).sort((a, b) => a.version - b.version)),
      get: async (communityId, name, version) => clone(ctx.state.promptVersions.find((v) => v.communityId === communityId && v.name === name && v.version === version) ?? null),
      async latestAll() {
        const latest = new Map<string, PromptVersionRecord>();
        for (const v of ctx.state.promptVersions) {
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
        return [...ctx.state.drafts.values()]
          .filter((d) => d.communityId === communityId && d.promptName === promptName)
          .sort((a, b) => b.id - a.id)
          .slice(0, limit)
          .map((d) => ({ promptVersion: d.promptVersion, status: d.status, originalText: d.originalText, text: d.text, decisionNote: d.decisionNote }));
      },
      async replayCandidates(communityId, since, limit) {
        const drafts = [...ctx.state.drafts.values()];
        return [...ctx.state.messages.values()]
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
  };
}
