import { and, count, desc, eq, gt, gte, inArray, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type { FeedRecord, FeedsRepository, NewsItem } from '../../core/news/news-types.js';
import type { DbSession } from '../database.js';
import { feedItems, feeds, newsPostedItems, newsSlots } from '../schema/index.js';

type FeedRow = typeof feeds.$inferSelect;
type ItemRow = typeof feedItems.$inferSelect;

const toFeed = (r: FeedRow): FeedRecord => ({
  id: r.id,
  communityId: r.communityId,
  url: r.url,
  name: r.name,
  title: r.title,
  source: r.source,
  active: r.active,
  etag: r.etag,
  lastModified: r.lastModified,
  consecutiveFailures: r.consecutiveFailures,
  lastError: r.lastError,
  brokenNotified: r.brokenNotified,
  nextPollAt: r.nextPollAt,
  lastPolledAt: r.lastPolledAt,
  lastSuccessAt: r.lastSuccessAt,
});

const toItem = (r: ItemRow, feed: Pick<FeedRow, 'name' | 'title' | 'url'>): NewsItem => ({
  id: r.id,
  feedId: r.feedId,
  feedLabel: feed.name ?? feed.title ?? feed.url,
  feedUrl: feed.url,
  communityId: r.communityId,
  guid: r.guid,
  link: r.link,
  title: r.title,
  summary: r.summary,
  titleKey: r.titleKey,
  publishedAt: r.publishedAt,
  fetchedAt: r.fetchedAt,
  duplicateOf: r.duplicateOf,
  score: r.score,
  scoreReason: r.scoreReason,
});

const feedLabelColumns = { name: feeds.name, title: feeds.title, url: feeds.url };

/** A headline key with fewer words says too little to tell a story apart (as `sameStory` has it). */
const STORY_TITLE_KEY_MIN_WORDS = 3;
const titleKeyTellsStory = sql`cardinality(string_to_array(${feedItems.titleKey}, ' ')) >= ${STORY_TITLE_KEY_MIN_WORDS}`;

/**
 * True when the item, or another copy of its story (the same canonical link, or the same headline
 * key), was proposed in the chat: a copy stored under a new guid after the story window is the
 * same story.
 */
const storyProposedIn = (chatId: number) => sql`exists (
  select 1 from ${newsPostedItems} p join ${feedItems} posted on posted.id = p.item_id
   where p.chat_id = ${chatId}
     and (posted.id = ${feedItems.id} or posted.link = ${feedItems.link} or (${titleKeyTellsStory} and posted.title_key = ${feedItems.titleKey})))`;

/**
 * True when the item is news at `since`: published since then, or, undated, first fetched since
 * then — counting every copy of its story in the community, so an undated story whose guid changes
 * with every request does not turn fresh again each time it is stored anew.
 */
const freshSince = (since: Date) => {
  const at = sql`${since.toISOString()}::timestamptz`;
  const earlierCopy = (match: SQL) =>
    sql`exists (select 1 from ${feedItems} copy where copy.community_id = ${feedItems.communityId} and copy.fetched_at < ${at} and ${match})`;
  return sql`(case when ${feedItems.publishedAt} is not null then ${feedItems.publishedAt} >= ${at}
    else ${feedItems.fetchedAt} >= ${at}
      and not ${earlierCopy(sql`copy.link = ${feedItems.link}`)}
      and not (${titleKeyTellsStory} and ${earlierCopy(sql`copy.title_key = ${feedItems.titleKey}`)}) end)`;
};

export function createFeedsRepository(s: DbSession): FeedsRepository {
  return {
    async syncConfigured(communityId, list, now) {
      const urls = list.map((f) => f.url);
      if (list.length > 0) {
        await s.orm
          .insert(feeds)
          .values(list.map((f) => ({ communityId, url: f.url, name: f.name, source: 'config' as const, nextPollAt: now })))
          .onConflictDoUpdate({ target: [feeds.communityId, feeds.url], set: { name: sql`excluded.name`, source: 'config', active: true } });
      }
      await s.orm
        .update(feeds)
        .set({ active: false })
        .where(and(eq(feeds.communityId, communityId), eq(feeds.source, 'config'), ...(urls.length > 0 ? [notInArray(feeds.url, urls)] : [])));
    },

    async list(communityIds) {
      if (communityIds.length === 0) return [];
      const rows = await s.orm.select().from(feeds).where(and(inArray(feeds.communityId, communityIds), eq(feeds.active, true))).orderBy(feeds.id);
      return rows.map(toFeed);
    },

    async add(feed) {
      const rows = await s.orm
        .insert(feeds)
        .values({ ...feed })
        .onConflictDoUpdate({
          target: [feeds.communityId, feeds.url],
          set: { active: true, name: sql`coalesce(excluded.name, ${feeds.name})`, title: sql`coalesce(excluded.title, ${feeds.title})`, source: sql`excluded.source`, nextPollAt: sql`excluded.next_poll_at` },
          setWhere: sql`not ${feeds.active}`,
        })
        .returning();
      return rows[0] ? toFeed(rows[0]) : null;
    },

    async remove(communityIds, id) {
      if (communityIds.length === 0) return null;
      const rows = await s.orm
        .update(feeds)
        .set({ active: false })
        .where(and(eq(feeds.id, id), inArray(feeds.communityId, communityIds), eq(feeds.active, true)))
        .returning();
      return rows[0] ? toFeed(rows[0]) : null;
    },

    async claimDue(now, leaseUntil, communityIds, limit) {
      if (communityIds !== null && communityIds.length === 0) return [];
      const params: unknown[] = [leaseUntil.toISOString(), now.toISOString(), limit];
      const scope = communityIds === null ? '' : ` and community_id = any($${params.push(communityIds)}::text[])`;
      const { rows } = await s.sql.executeSql(
        `update feeds set next_poll_at = $1::timestamptz
          where id in (select id from feeds where active and next_poll_at <= $2::timestamptz${scope}
                       order by next_poll_at limit $3 for update skip locked)
          returning id`,
        params,
      );
      const ids = (rows as Array<{ id: unknown }>).map((r) => Number(r.id));
      if (ids.length === 0) return [];
      const claimed = await s.orm.select().from(feeds).where(inArray(feeds.id, ids)).orderBy(feeds.id);
      return claimed.map(toFeed);
    },

    async recordSuccess(id, update) {
      const [before] = await s.orm.select({ brokenNotified: feeds.brokenNotified }).from(feeds).where(eq(feeds.id, id)).for('update');
      await s.orm
        .update(feeds)
        .set({
          ...(update.title ? { title: update.title } : {}),
          ...(update.validators ? { etag: update.validators.etag, lastModified: update.validators.lastModified } : {}),
          consecutiveFailures: 0,
          lastError: null,
          brokenNotified: false,
          nextPollAt: update.nextPollAt,
          lastPolledAt: update.at,
          lastSuccessAt: update.at,
        })
        .where(eq(feeds.id, id));
      return before?.brokenNotified ?? false;
    },

    async recordFailure(id, update) {
      const rows = await s.orm
        .update(feeds)
        .set({ consecutiveFailures: sql`${feeds.consecutiveFailures} + 1`, lastError: update.error, nextPollAt: update.nextPollAt, lastPolledAt: update.at })
        .where(eq(feeds.id, id))
        .returning();
      return rows[0] ? toFeed(rows[0]) : null;
    },

    async markBrokenNotified(id) {
      const rows = await s.orm.update(feeds).set({ brokenNotified: true }).where(and(eq(feeds.id, id), eq(feeds.brokenNotified, false))).returning({ id: feeds.id });
      return rows.length > 0;
    },

    async lockStories(communityId) {
      await s.sql.executeSql(`select pg_advisory_xact_lock(hashtext('jamii.news-stories:' || $1))`, [communityId]);
    },

    async recentStories(communityId, since) {
      return s.orm
        .select({ id: feedItems.id, link: feedItems.link, titleKey: feedItems.titleKey })
        .from(feedItems)
        .where(and(eq(feedItems.communityId, communityId), gte(feedItems.fetchedAt, since), isNull(feedItems.duplicateOf)));
    },

    async insertItems(feed, items, fetchedAt) {
      if (items.length === 0) return [];
      const rows = await s.orm
        .insert(feedItems)
        .values(
          items.map((i) => ({
            feedId: feed.id,
            communityId: feed.communityId,
            guid: i.guid,
            link: i.link,
            title: i.title,
            summary: i.summary,
            titleKey: i.titleKey,
            publishedAt: i.publishedAt,
            fetchedAt,
            duplicateOf: i.duplicateOf,
          })),
        )
        .onConflictDoNothing({ target: [feedItems.feedId, feedItems.guid] })
        .returning();
      const [label] = await s.orm.select(feedLabelColumns).from(feeds).where(eq(feeds.id, feed.id));
      return rows.map((r) => toItem(r, label!));
    },

    async unscored(communityId, limit) {
      const rows = await s.orm
        .select({ item: feedItems, feed: feedLabelColumns })
        .from(feedItems)
        .innerJoin(feeds, eq(feeds.id, feedItems.feedId))
        .where(and(eq(feedItems.communityId, communityId), isNull(feedItems.score), isNull(feedItems.duplicateOf)))
        .orderBy(desc(feedItems.id))
        .limit(limit);
      return rows.map((r) => toItem(r.item, r.feed));
    },

    async setScores(scores) {
      for (const sc of scores) {
        await s.orm.update(feedItems).set({ score: sc.score, scoreReason: sc.reason, scoredBy: sc.scoredBy }).where(eq(feedItems.id, sc.itemId));
      }
    },

    async itemsById(ids) {
      if (ids.length === 0) return [];
      const rows = await s.orm
        .select({ item: feedItems, feed: feedLabelColumns })
        .from(feedItems)
        .innerJoin(feeds, eq(feeds.id, feedItems.feedId))
        .where(inArray(feedItems.id, ids));
      return rows.map((r) => toItem(r.item, r.feed));
    },

    async recentItems(communityId, since, limit) {
      const rows = await s.orm
        .select({
          item: feedItems,
          feed: feedLabelColumns,
          proposed: sql<boolean>`exists (select 1 from ${newsPostedItems} p where p.item_id = ${feedItems.id})`,
        })
        .from(feedItems)
        .innerJoin(feeds, eq(feeds.id, feedItems.feedId))
        .where(and(eq(feedItems.communityId, communityId), isNull(feedItems.duplicateOf), gte(feedItems.fetchedAt, since)))
        .orderBy(desc(feedItems.fetchedAt), desc(feedItems.id))
        .limit(limit);
      return rows.map((r) => ({ item: toItem(r.item, r.feed), proposed: Boolean(r.proposed) }));
    },

    async candidates(chatId, communityId, options) {
      const rows = await s.orm
        .select({ item: feedItems, feed: feedLabelColumns })
        .from(feedItems)
        .innerJoin(feeds, eq(feeds.id, feedItems.feedId))
        .where(
          and(
            eq(feedItems.communityId, communityId),
            eq(feeds.active, true),
            isNull(feedItems.duplicateOf),
            gte(feedItems.score, options.minScore),
            // A backlog item published long ago is not news, however recently it was fetched.
            freshSince(options.since),
            sql`not ${storyProposedIn(chatId)}`,
          ),
        )
        .orderBy(desc(feedItems.score), sql`coalesce(${feedItems.publishedAt}, ${feedItems.fetchedAt}) desc`, desc(feedItems.id))
        .limit(options.limit);
      return rows.map((r) => toItem(r.item, r.feed));
    },

    async lockChat(chatId) {
      await s.sql.executeSql(`select pg_advisory_xact_lock(hashtext('jamii.news-chat:' || $1))`, [String(chatId)]);
    },

    async storiesProposed(chatId, itemIds) {
      if (itemIds.length === 0) return [];
      const rows = await s.orm
        .select({ id: feedItems.id })
        .from(feedItems)
        .where(and(inArray(feedItems.id, itemIds), storyProposedIn(chatId)));
      return rows.map((r) => r.id);
    },

    async claimSlot(slot) {
      const rows = await s.orm.insert(newsSlots).values({ ...slot, handledAt: slot.at }).onConflictDoNothing().returning({ id: newsSlots.id });
      return rows.length > 0;
    },

    async countProposedSince(chatId, since) {
      const [row] = await s.orm
        .select({ n: count() })
        .from(newsSlots)
        .where(and(eq(newsSlots.chatId, chatId), eq(newsSlots.outcome, 'proposed'), gte(newsSlots.handledAt, since)));
      return row?.n ?? 0;
    },

    async markPosted(chatId, itemIds, draftId, at) {
      if (itemIds.length === 0) return;
      await s.orm.insert(newsPostedItems).values(itemIds.map((itemId) => ({ chatId, itemId, draftId, postedAt: at }))).onConflictDoNothing();
    },

    async countFailing() {
      const [row] = await s.orm.select({ n: count() }).from(feeds).where(and(eq(feeds.active, true), gt(feeds.consecutiveFailures, 0)));
      return row?.n ?? 0;
    },
  };
}
