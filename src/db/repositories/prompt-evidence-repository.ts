import type { DraftOutcome, NewsPostEvidence, PromptEvidenceRepository, ReplayCandidate } from '../../core/prompts/prompt-ports.js';
import type { DraftKind, DraftStatus, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';

const OUTCOMES = `
  select prompt_version, status, original_text, text, decision_note
  from drafts where community_id = $1 and prompt_name = $2
  order by id desc limit $3`;

// A member's message counts when its labels (by rules at ingest, or by the model before
// drafting) made it a question or negative feedback, or when it got a draft.
const CANDIDATES = `
  select m.id as message_id, d.id as draft_id, d.kind, d.status, d.text, d.original_text, d.prompt_name, d.prompt_version
  from messages m
  join chats c on c.id = m.chat_id
  left join drafts d on d.message_id = m.id
  where c.community_id = $1 and m.created_at >= $2 and not m.from_bot and not m.is_service
    and (m.needs_draft or m.is_question or m.is_negative or d.id is not null)
  order by m.created_at desc, m.id desc
  limit $3`;

// The items a news draft was written from are in its details (news-publisher.ts).
const NEWS_POSTS = `
  select d.id, d.status, d.text, d.prompt_name, d.prompt_version, c.platform, d.details->'itemIds' as item_ids
  from drafts d
  join chats c on c.id = d.target_chat_id
  where d.community_id = $1 and d.kind = 'news' and d.created_at >= $2
  order by d.created_at desc, d.id desc
  limit $3`;

export function createPromptEvidenceRepository(s: DbSession): PromptEvidenceRepository {
  return {
    async draftOutcomes(communityId, promptName, limit) {
      const { rows } = await s.sql.executeSql(OUTCOMES, [communityId, promptName, limit]);
      return (rows as Array<{ prompt_version: string; status: DraftStatus; original_text: string; text: string; decision_note: string | null }>).map(
        (r): DraftOutcome => ({ promptVersion: r.prompt_version, status: r.status, originalText: r.original_text, text: r.text, decisionNote: r.decision_note }),
      );
    },
    async replayCandidates(communityId, since, limit) {
      const { rows } = await s.sql.executeSql(CANDIDATES, [communityId, since.toISOString(), limit]);
      return (
        rows as Array<{
          message_id: number | string;
          draft_id: number | null;
          kind: DraftKind | null;
          status: DraftStatus | null;
          text: string | null;
          original_text: string | null;
          prompt_name: string | null;
          prompt_version: string | null;
        }>
      ).map(
        (r): ReplayCandidate => ({
          messageId: Number(r.message_id),
          draft:
            r.draft_id === null
              ? null
              : { id: Number(r.draft_id), kind: r.kind!, status: r.status!, text: r.text!, originalText: r.original_text!, promptName: r.prompt_name!, promptVersion: r.prompt_version! },
        }),
      );
    },
    async newsPosts(communityId, since, limit) {
      const { rows } = await s.sql.executeSql(NEWS_POSTS, [communityId, since.toISOString(), limit]);
      return (
        rows as Array<{ id: number | string; status: DraftStatus; text: string; prompt_name: string; prompt_version: string; platform: Platform; item_ids: unknown }>
      ).map(
        (r): NewsPostEvidence => ({
          draftId: Number(r.id),
          status: r.status,
          text: r.text,
          promptName: r.prompt_name,
          promptVersion: r.prompt_version,
          platform: r.platform,
          itemIds: Array.isArray(r.item_ids) ? r.item_ids.map(Number).filter(Number.isInteger) : [],
        }),
      );
    },
  };
}
