/**
 * Drafting by a model: the system prompt from `prompts/model-draft-*.md`, every passage, the
 * recent messages and the member's message as data blocks, a strict JSON answer mapped to a
 * DraftResult with its sources and translation.
 */
import type { DraftRequest, DraftResult } from '../../core/ports.js';
import { stripInvisible } from '../../core/safety/invisible.js';
import { UNTRUSTED_DATA_RULE, untrustedBlock } from '../../core/safety/untrusted.js';
import type { KnowledgePassage, SourceRef } from '../../core/types.js';
import { renderPrompt, type PromptSource, type RenderedPrompt } from '../prompt-registry.js';
import type { ChatMessage } from './chat.js';
import { clip, MODEL_REASON_MAX_CHARS, recentBlocks } from './classify.js';
import type { DraftOutput } from './schemas.js';
import { plural } from '../../core/plural.js';

export const DRAFT_FORMAT_NAME = 'jamii_draft';
/** Recent messages shown with a message to answer. */
export const DRAFT_CONTEXT_MESSAGES = 8;

export function draftPromptName(request: DraftRequest): 'model-draft-question' | 'model-draft-negative' {
  return request.kind === 'negative' ? 'model-draft-negative' : 'model-draft-question';
}

/** What Jamii itself knows about the member, in plain words (our facts, not the member's text). */
export function describeMember(request: DraftRequest): string {
  const facts: string[] = [];
  facts.push(request.member.isNew ? 'They joined the community recently.' : 'They are an established member.');
  const n = request.member.complaintsThisMonth;
  if (n > 0) facts.push(`They have complained ${plural(n, 'time')} before in the last 30 days; be especially careful and concrete.`);
  return facts.join(' ');
}

function passageBlock(passage: KnowledgePassage, index: number): string {
  const attrs: Record<string, string> = { number: String(index + 1), source: passage.source, kind: passage.kind };
  if (passage.heading) attrs.heading = passage.heading;
  if (passage.language) attrs.language = passage.language;
  const body = passage.question ? `Q: ${passage.question}\nA: ${passage.text}` : passage.text;
  return untrustedBlock('knowledge_passage', body, attrs);
}

export function renderDraftSystemPrompt(prompts: PromptSource, request: DraftRequest): RenderedPrompt {
  return renderPrompt(
    prompts.get(draftPromptName(request), request.community.id),
    {
      community: request.community.name,
      language: request.labels.language,
      deskLanguage: request.deskLanguage,
      maxLength: String(request.maxLength),
      memberContext: describeMember(request),
      dataRule: UNTRUSTED_DATA_RULE,
    },
    'en',
  );
}

export function buildDraftMessages(systemPrompt: string, request: DraftRequest): ChatMessage[] {
  const parts: string[] = [];
  if (request.passages.length > 0) {
    parts.push('Knowledge passages, numbered (cite them by number):', ...request.passages.map(passageBlock));
  } else {
    parts.push('Knowledge passages: none matched this message.');
  }
  const recent = request.recent.slice(-DRAFT_CONTEXT_MESSAGES);
  if (recent.length > 0) parts.push('Earlier messages in the chat, oldest first (context only):', ...recentBlocks(recent));
  parts.push(
    'The message to answer:',
    untrustedBlock('member_message', request.message.text, { author: request.message.author.displayName }),
  );
  return [
    { role: 'system', content: systemPrompt },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** The passages a draft cites, by their 1-based numbers; unknown numbers and repeats are dropped. */
export function citedSources(passages: readonly KnowledgePassage[], numbers: readonly number[]): SourceRef[] {
  const seen = new Set<string>();
  const sources: SourceRef[] = [];
  for (const n of numbers) {
    const passage = passages[n - 1];
    if (!passage) continue;
    const key = `${passage.source}\u0000${passage.heading ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sources.push({ source: passage.source, heading: passage.heading });
  }
  return sources;
}

export function toDraftResult(
  output: DraftOutput,
  request: DraftRequest,
  meta: { prompt: RenderedPrompt; provider: string; model: string },
): DraftResult {
  const sources = citedSources(request.passages, output.sources);
  const what = request.kind === 'negative' ? `Negative feedback (severity ${request.labels.severity}/3)` : 'Question';
  const grounding = sources.length > 0 ? `from ${plural(sources.length, 'knowledge source')}` : 'with no knowledge source';
  const modelReason = clip(output.reason, MODEL_REASON_MAX_CHARS);
  const translation = output.translation === null ? '' : stripInvisible(output.translation).trim();
  return {
    text: output.reply.trim(),
    reason: `${what} in ${request.labels.language}, drafted by ${meta.model} ${grounding}${modelReason ? `: ${modelReason}` : '.'}`,
    language: output.language,
    promptName: meta.prompt.name,
    promptVersion: meta.prompt.version,
    provider: meta.provider,
    model: meta.model,
    sources,
    translation: output.language !== request.deskLanguage && translation !== '' ? translation : null,
    flags: [],
  };
}
