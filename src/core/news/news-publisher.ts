/**
 * Publishes news to chats: at each occurrence of a chat's schedule (or when a manager runs
 * /news), outside its quiet hours and under its daily cap, the best unposted items become one
 * post — a take on the top item, or a digest of the top N — proposed through the PostService
 * (a card on the desk, or posted at once in `auto` mode). Every slot is handled once and every
 * item goes to a chat at most once, so a job that runs twice or two processes post nothing twice.
 */
import type { CommunityDirectory } from '../communities.js';
import { PLATFORM_TEXT_LIMITS } from '../draft-context.js';
import { DRAFT_TEXT_MAX_CHARS } from '../draft-writer.js';
import type { ChatRecord, Clock, CoreMetrics, Logger, Store } from '../ports.js';
import { DAY_MS } from '../time.js';
import type { ChatRef, Platform, SourceRef } from '../types.js';
import { dueSlot, inQuietHours, startOfLocalDayAt } from './news-schedule.js';
import type { CommunityNewsSettings, CronSchedule, NewsChatSettings, NewsItem, NewsSlotOutcome, NewsWriter } from './news-types.js';
import type { PostService } from '../post-service.js';
import { reportNewsFailure } from './news-failures.js';
import { plural } from '../plural.js';

/** Items older than this are not news any more. */
export const NEWS_ITEM_MAX_AGE_MS = 3 * DAY_MS;

export interface SlotResult {
  chat: string;
  /**
   * `handled`: another run served this slot already, or proposed its items while this one wrote its take;
   * `refused`: the chat is a desk or another community's (see the logs); `failed`: see the logs and the desk
   * notice, retried on the next run; `waiting`: nothing scored to post while new items wait for their scores
   * (scoring failed), retried on the next run.
   */
  outcome: NewsSlotOutcome | 'handled' | 'refused' | 'failed' | 'waiting';
  /** The post's draft (in auto mode already approved and queued). */
  draftId: number | null;
  items: number;
  mode: NewsChatSettings['mode'];
}

export interface NewsPublisher {
  /** Serves every chat whose scheduled slot is due; returns what each did. */
  publishDue(): Promise<SlotResult[]>;
  /** Serves every news chat of a community now (/news), as an extra slot. */
  publishNow(communityId: string, requestedBy: string): Promise<SlotResult[]>;
}

export interface NewsPublisherDeps {
  store: Store;
  posts: PostService;
  writer: NewsWriter;
  schedule: CronSchedule;
  communities: CommunityDirectory;
  newsOf(communityId: string): CommunityNewsSettings | null;
  /** Where a failed slot's notice goes: the community's desks on these platforms. */
  deskPlatforms: () => Iterable<Platform>;
  clock: Clock;
  metrics: Pick<CoreMetrics, 'newsFailure'>;
  log: Logger;
}

class SlotTaken extends Error {}

/** What the proposing transaction did; `superseded`: another slot proposed one of these stories meanwhile. */
type Served = { kind: 'proposed'; draftId: number } | { kind: 'superseded'; taken: number[] } | { kind: 'cap' } | { kind: 'handled' };

const chatLabel = (s: NewsChatSettings) => `${s.chat.platform}:${s.chat.chatId}`;

function reasonFor(items: NewsItem[], trigger: string): string {
  const top = items[0]!;
  const score = (i: NewsItem) => `${Math.round((i.score ?? 0) * 100)}%`;
  if (items.length === 1) return `News (${trigger}) from ${top.feedLabel}: relevance ${score(top)}, ${top.scoreReason ?? 'not scored'}.`;
  return `News digest (${trigger}) of ${plural(items.length, 'item')}; top: "${top.title}" (${score(top)}, ${top.scoreReason ?? 'not scored'}).`;
}

export function createNewsPublisher(deps: NewsPublisherDeps): NewsPublisher {
  const { store, posts, writer, communities, clock, log } = deps;

  /**
   * The chat's row, made if Jamii has not seen the chat yet — but only for a chat that is no desk
   * and that the directory gives to this community, as a message in it would: a row made here
   * never claims another community's chat for this one. Null when the chat is not this community's.
   */
  async function newsChat(communityId: string, ref: ChatRef): Promise<ChatRecord | null> {
    if (communities.desksAt(ref.platform, ref.chatId).length > 0 || communities.communityOf(ref.platform, ref.chatId) !== communityId) return null;
    const chats = await store.chats.ensure([{ ref }], (r) => communities.communityOf(r.platform, r.chatId));
    const chat = chats.get(`${ref.platform}\u0000${ref.chatId}`)!;
    return chat.communityId === communityId ? chat : null;
  }

  async function serve(communityId: string, settings: NewsChatSettings, topics: CommunityNewsSettings['topics'], slotKey: string, trigger: string): Promise<SlotResult> {
    const now = clock.now();
    const label = chatLabel(settings);
    const chat = await newsChat(communityId, settings.chat);
    if (!chat) {
      log.error({ communityId, chat: label, slot: slotKey }, 'news.chat_refused');
      return { chat: label, outcome: 'refused', draftId: null, items: 0, mode: settings.mode };
    }
    const skip = async (outcome: NewsSlotOutcome): Promise<SlotResult> => {
      const claimed = await store.feeds.claimSlot({ chatId: chat.id, communityId, slotKey, outcome, draftId: null, at: now });
      return { chat: label, outcome: claimed ? outcome : 'handled', draftId: null, items: 0, mode: settings.mode };
    };

    if (inQuietHours(settings.quietHours, settings.timeZone, now)) return skip('quiet');
    const today = await store.feeds.countProposedSince(chat.id, startOfLocalDayAt(now, settings.timeZone));
    if (today >= settings.maxPostsPerDay) return skip('cap');
    const items = await store.feeds.candidates(chat.id, communityId, { since: new Date(now.getTime() - NEWS_ITEM_MAX_AGE_MS), minScore: settings.minScore, limit: settings.digestSize });
    if (items.length === 0) {
      // Items whose scoring failed may be the news of this slot: it stays open for the next round.
      if ((await store.feeds.unscored(communityId, 1)).length > 0) {
        log.warn({ communityId, chat: label, slot: slotKey }, 'news.slot_waiting_for_scores');
        return { chat: label, outcome: 'waiting', draftId: null, items: 0, mode: settings.mode };
      }
      return skip('empty');
    }

    const community = communities.get(communityId);
    const maxLength = Math.min(PLATFORM_TEXT_LIMITS[settings.chat.platform], DRAFT_TEXT_MAX_CHARS);
    const take = await writer.writeTake({ community: { id: community.id, name: community.name, language: community.language, topics }, items, maxLength });
    const sources: SourceRef[] = items.map((i) => ({ source: i.link, heading: `${i.feedLabel} › ${i.title}` }));
    const reason = [take.note, reasonFor(items, trigger)].filter(Boolean).join(' ');

    // The take took its time: another slot of this chat (the schedule and a /news, two managers'
    // /news) may have proposed meanwhile. Under the chat's lock, look again before proposing.
    const itemIds = items.map((i) => i.id);
    const served = await store
      .transaction(async (tx): Promise<Served> => {
        await tx.feeds.lockChat(chat.id);
        const taken = await tx.feeds.storiesProposed(chat.id, itemIds);
        if (taken.length > 0) return { kind: 'superseded', taken };
        if ((await tx.feeds.countProposedSince(chat.id, startOfLocalDayAt(now, settings.timeZone))) >= settings.maxPostsPerDay) {
          const claimed = await tx.feeds.claimSlot({ chatId: chat.id, communityId, slotKey, outcome: 'cap', draftId: null, at: now });
          return claimed ? { kind: 'cap' } : { kind: 'handled' };
        }
        // The dedupe key makes a second proposal of this slot a no-op; the slot row records it.
        const draft = await posts.proposeIn(tx, {
          communityId,
          chatId: chat.id,
          kind: 'news',
          text: take.text,
          language: community.language,
          reason,
          sources,
          details: { itemIds, feedIds: [...new Set(items.map((i) => i.feedId))], slot: slotKey },
          promptName: take.promptName,
          promptVersion: take.promptVersion,
          provider: take.provider,
          model: take.model,
          flags: take.flags,
          mode: settings.mode,
          dedupeKey: `news:${chat.id}:${slotKey}`,
        });
        if (!draft) return { kind: 'handled' };
        // Another process skipped this slot meanwhile (quiet, cap): roll the proposal back.
        if (!(await tx.feeds.claimSlot({ chatId: chat.id, communityId, slotKey, outcome: 'proposed', draftId: draft.id, at: now }))) throw new SlotTaken();
        await tx.feeds.markPosted(chat.id, itemIds, draft.id, now);
        await tx.audit.write({ communityId, actor: 'jamii', action: 'news.proposed', subject: `draft:${draft.id}`, details: { chat: label, slot: slotKey, items: itemIds, mode: settings.mode } });
        return { kind: 'proposed', draftId: draft.id };
      })
      .catch((error: unknown): Served => {
        if (error instanceof SlotTaken) return { kind: 'handled' };
        throw error;
      });

    switch (served.kind) {
      case 'proposed':
        log.info({ communityId, chat: label, slot: slotKey, draftId: served.draftId, items: items.length, mode: settings.mode }, 'news.proposed');
        return { chat: label, outcome: 'proposed', draftId: served.draftId, items: items.length, mode: settings.mode };
      case 'superseded':
        // The take is dropped and the slot left open: a scheduled one is served again on the next
        // run, with the items still unposted (as if it had come after the other).
        await store.audit.write({ communityId, actor: 'jamii', action: 'news.superseded', subject: `chat:${chat.id}`, details: { chat: label, slot: slotKey, items: itemIds, proposedMeanwhile: served.taken } });
        log.info({ communityId, chat: label, slot: slotKey, items: itemIds, proposedMeanwhile: served.taken }, 'news.superseded');
        return { chat: label, outcome: 'handled', draftId: null, items: 0, mode: settings.mode };
      case 'cap':
        return { chat: label, outcome: 'cap', draftId: null, items: 0, mode: settings.mode };
      case 'handled':
        return { chat: label, outcome: 'handled', draftId: null, items: 0, mode: settings.mode };
    }
  }

  /**
   * One chat's failure (a take that throws, a database hiccup mid-take) must not hold back the
   * others: it is logged, counted and told to the community's desks once per slot; the slot is
   * left open, so a scheduled one is retried on the next run.
   */
  async function serveSafely(communityId: string, chat: NewsChatSettings, topics: CommunityNewsSettings['topics'], slotKey: string, trigger: string): Promise<SlotResult> {
    try {
      return await serve(communityId, chat, topics, slotKey, trigger);
    } catch (error) {
      const label = chatLabel(chat);
      await reportNewsFailure(deps, {
        stage: 'publish',
        communityId,
        error,
        context: { chat: label, slot: slotKey },
        noticeKey: `news:publish-failed:${communityId}:${label}:${slotKey}`,
        notice: (reason) => `⚠️ News for ${label} (${trigger}) failed: ${reason} Jamii tries again on the next run while the slot is due.`,
      });
      return { chat: label, outcome: 'failed', draftId: null, items: 0, mode: chat.mode };
    }
  }

  return {
    async publishDue() {
      const now = clock.now();
      const results: SlotResult[] = [];
      for (const community of communities.list()) {
        const settings = deps.newsOf(community.id);
        for (const chat of settings?.chats ?? []) {
          const slot = dueSlot(deps.schedule, chat.schedule, chat.timeZone, now);
          if (slot) results.push(await serveSafely(community.id, chat, settings!.topics, slot.key, 'scheduled'));
        }
      }
      return results;
    },

    async publishNow(communityId, requestedBy) {
      const settings = deps.newsOf(communityId);
      const key = `manual:${clock.now().toISOString()}`;
      const results: SlotResult[] = [];
      for (const chat of settings?.chats ?? []) results.push(await serveSafely(communityId, chat, settings!.topics, key, `asked by ${requestedBy}`));
      return results;
    },
  };
}
