/**
 * Post engagement over SQL. A post is a news or spark draft whose outbox `post` row was sent;
 * its platform message id is what replies point at. Each count is one chat and one time range,
 * served by the (chat_id, created_at) index: the window after the post, and the same window in
 * each of the weeks before (the baseline).
 */
import type { AnalyticsScope } from '../../core/analytics/analytics-types.js';
import type { EngagementRepository, PostEngagementRow } from '../../core/analytics/engagement.js';
import type { Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';

/** Members' messages of chat `p.chat_id` from `$start` for `$6` hours (`$start` is substituted). */
const WINDOW = (start: string) => `
  from messages m
  where m.chat_id = p.chat_id and m.created_at >= ${start} and m.created_at < ${start} + make_interval(hours => $6::int)
    and not m.from_bot and not m.is_service
    and not exists (select 1 from members a where a.id = m.author_id and a.is_bot)`;

const POSTS = `
with p as (
  select d.id, d.kind, d.details, d.sources, o.platform_message_id, o.sent_at, c.id as chat_id, c.title, c.platform
  from drafts d
  join outbox o on o.draft_id = d.id and o.kind = 'post' and o.status = 'sent'
  join chats c on c.id = d.target_chat_id
  where c.community_id = any($1::text[])
    and ($2::text is null or c.platform = $2::text)
    and ($3::text is null or c.platform_chat_id = $3::text or lower(c.title) = lower($3::text))
    and o.sent_at >= $4::timestamptz and o.sent_at < $5::timestamptz
    and d.kind in ('news', 'spark')
)
select p.id::int8 as id, p.kind, p.platform, p.title, p.sent_at,
       p.sources->0->>'source' as source_url, p.sources->0->>'heading' as source_heading,
       p.details->>'sparkKind' as spark_kind,
       w.messages, w.speakers, w.replies, b.messages as base_messages, b.speakers as base_speakers,
       case when p.platform = any($8::text[]) then
         (select coalesce(sum(r.count), 0)::int from message_reactions r where r.chat_id = p.chat_id and r.platform_message_id = p.platform_message_id)
       end as reactions
from p
cross join lateral (
  select count(*)::int as messages, count(distinct m.author_id)::int as speakers,
         count(*) filter (where m.reply_to_platform_message_id = p.platform_message_id or m.thread_id = p.platform_message_id)::int as replies
  ${WINDOW('p.sent_at')}
) w
cross join lateral (
  select coalesce(sum(x.messages), 0)::float8 / $7::int as messages, coalesce(sum(x.speakers), 0)::float8 / $7::int as speakers
  from generate_series(1, $7::int) as k(week)
  cross join lateral (
    select count(*) as messages, count(distinct m.author_id) as speakers
    ${WINDOW('p.sent_at - make_interval(days => 7 * k.week)')}
  ) x
) b
order by p.sent_at, p.id`;

/** Platforms whose connectors report reactions; elsewhere the count is unknown (null), not zero. */
export const REACTION_PLATFORMS: readonly Platform[] = ['telegram', 'discord', 'slack'];

export function createEngagementRepository(s: DbSession): EngagementRepository {
  return {
    async posts(scope: AnalyticsScope, period, windowHours, baselineWeeks) {
      const { rows } = await s.sql.executeSql(POSTS, [
        scope.communityIds,
        scope.platform ?? null,
        scope.chat ?? null,
        period.from.toISOString(),
        period.to.toISOString(),
        windowHours,
        baselineWeeks,
        [...REACTION_PLATFORMS],
      ]);
      return rows.map(
        (r): PostEngagementRow => ({
          draftId: Number(r.id),
          kind: r.kind === 'news' ? 'news' : 'spark',
          platform: r.platform as Platform,
          chatTitle: r.title ?? null,
          postedAt: r.sent_at instanceof Date ? r.sent_at : new Date(String(r.sent_at)),
          sourceUrl: r.source_url ?? null,
          sourceHeading: r.source_heading ?? null,
          sparkKind: r.spark_kind ?? null,
          replies: Number(r.replies),
          messages: Number(r.messages),
          speakers: Number(r.speakers),
          baselineMessages: Number(r.base_messages),
          baselineSpeakers: Number(r.base_speakers),
          reactions: r.reactions === null || r.reactions === undefined ? null : Number(r.reactions),
        }),
      );
    },
  };
}
