/**
 * A model provider with the offline provider behind it. The model is asked first, within a
 * concurrency limit and per-chat / per-member draft limits; when it times out, errors, answers
 * something unusable, or writes a draft the output checks refuse, the offline provider answers
 * instead and the draft's reason says why. A member never waits on a broken model.
 */
import { isJamiiError, JamiiError } from '../core/errors.js';
import type { ClassifyHint, DraftRequest, DraftResult, LanguageProvider, Logger } from '../core/ports.js';
import { allowedLinksFor, checkDraftText } from '../core/safety/output-checks.js';
import type { Labels } from '../core/types.js';
import { createConcurrencyLimiter, createSlidingWindowLimiter, HOUR_MS } from './rate-limits.js';

/** A draft from a model and the system prompt that produced it (the checks look for leaks of it). */
export interface ModelDraft {
  result: DraftResult;
  systemPrompt: string;
}

/** A language provider backed by a model: it can say which system prompt wrote a draft. */
export interface ModelLanguageProvider extends LanguageProvider {
  draftWithPrompt(request: DraftRequest): Promise<ModelDraft>;
}

/** Why a request was answered offline. */
export type FallbackCause = 'timeout' | 'unavailable' | 'rate_limited' | 'invalid_output' | 'refused' | 'chat_limit' | 'member_limit';

export type ModelOperation = 'classify' | 'draft' | 'embed';

/** Optional counters; the observability layer implements them with prom-client. */
export interface LanguageModelMetrics {
  /** A model call finished; `outcome` is `ok` or the fallback cause its failure maps to. */
  modelCall(operation: ModelOperation, outcome: 'ok' | FallbackCause, seconds: number): void;
  /** A request was answered by the offline provider instead of the model. */
  fallback(operation: Exclude<ModelOperation, 'embed'>, cause: FallbackCause): void;
}

export interface FallbackLimits {
  /** Model calls in flight at once; the others wait. */
  concurrency: number;
  draftsPerChatPerHour: number;
  draftsPerMemberPerHour: number;
}


function causeOf(error: unknown): FallbackCause {
  if (!isJamiiError(error)) return 'unavailable';
  switch (error.code) {
    case 'llm_timeout':
      return 'timeout';
    case 'rate_limited':
      return 'rate_limited';
    case 'llm_invalid_output':
      return 'invalid_output';
    default:
      return 'unavailable';
  }
}

function statusOf(error: unknown): number | undefined {
  return isJamiiError(error) && typeof error.details.status === 'number' ? error.details.status : undefined;
}

/** The note put before the offline reason, so the card says why the model's answer is not there. */
export function fallbackNote(
  cause: FallbackCause,
  detail: { status?: number | undefined; limit?: number; problems?: string[] } = {},
  outcome = 'offline draft',
): string {
  switch (cause) {
    case 'timeout':
      return `Model unavailable (timeout); ${outcome}.`;
    case 'unavailable':
      return `Model unavailable (${detail.status === undefined ? 'error' : `HTTP ${detail.status}`}); ${outcome}.`;
    case 'rate_limited':
      return `Model unavailable (rate limited by the model server); ${outcome}.`;
    case 'invalid_output':
      return `Model answer unusable (invalid output); ${outcome}.`;
    case 'refused':
      return `Model draft refused by the output checks (${(detail.problems ?? []).join(', ') || 'unsafe'}); ${outcome}.`;
    case 'chat_limit':
      return `Model draft limit for this chat reached (${detail.limit ?? '?'} per hour); ${outcome}.`;
    case 'member_limit':
      return `Model draft limit for this member reached (${detail.limit ?? '?'} per hour); ${outcome}.`;
  }
}

function errorFields(error: unknown): Record<string, unknown> {
  if (isJamiiError(error)) return { code: error.code, message: error.message, ...error.details };
  return { code: 'internal', errorName: error instanceof Error ? error.name : typeof error };
}

function allowedLinks(request: DraftRequest): string[] {
  return allowedLinksFor({ passages: request.passages.flatMap((p) => [p.text, p.question ?? '']), message: request.message.text });
}

export function createFallbackProvider(deps: {
  primary: ModelLanguageProvider;
  fallback: LanguageProvider;
  limits: FallbackLimits;
  log: Logger;
  metrics?: LanguageModelMetrics | undefined;
  /** Milliseconds since the epoch; the sliding windows read it (tests move it). */
  now?: () => number;
}): LanguageProvider {
  const { primary, fallback, limits, metrics } = deps;
  const log = deps.log.child({ component: 'llm-fallback', provider: primary.name });
  const slots = createConcurrencyLimiter(limits.concurrency);
  const perChat = createSlidingWindowLimiter({ limit: limits.draftsPerChatPerHour, windowMs: HOUR_MS, now: deps.now });
  const perMember = createSlidingWindowLimiter({ limit: limits.draftsPerMemberPerHour, windowMs: HOUR_MS, now: deps.now });

  /** Runs one model call in a concurrency slot, timing it once it starts. */
  async function modelCall<T>(operation: ModelOperation, task: () => Promise<T>): Promise<T> {
    return slots.run(async () => {
      const started = performance.now();
      try {
        const value = await task();
        metrics?.modelCall(operation, 'ok', (performance.now() - started) / 1000);
        return value;
      } catch (error) {
        metrics?.modelCall(operation, causeOf(error), (performance.now() - started) / 1000);
        throw error;
      }
    });
  }

  async function offlineDraft(request: DraftRequest, cause: FallbackCause, note: string): Promise<DraftResult> {
    metrics?.fallback('draft', cause);
    const result = await fallback.draft(request);
    return { ...result, reason: `${note} ${result.reason}` };
  }

  async function draft(request: DraftRequest): Promise<DraftResult> {
    const chatKey = `${request.message.chat.platform}:${request.message.chat.chatId}`;
    const memberKey = `${request.message.chat.platform}:${request.message.author.id}`;
    const context = { messageId: request.message.id, chat: chatKey };
    if (!perMember.allows(memberKey)) {
      log.info({ ...context, limit: perMember.limit }, 'llm.draft.member_limit');
      return offlineDraft(request, 'member_limit', fallbackNote('member_limit', { limit: perMember.limit }));
    }
    if (!perChat.allows(chatKey)) {
      log.info({ ...context, limit: perChat.limit }, 'llm.draft.chat_limit');
      return offlineDraft(request, 'chat_limit', fallbackNote('chat_limit', { limit: perChat.limit }));
    }
    perMember.record(memberKey);
    perChat.record(chatKey);

    let model: ModelDraft;
    try {
      model = await modelCall('draft', () => primary.draftWithPrompt(request));
    } catch (error) {
      const cause = causeOf(error);
      const level = isJamiiError(error) ? 'warn' : 'error';
      log[level]({ ...context, cause, ...errorFields(error) }, 'llm.draft.fallback');
      return offlineDraft(request, cause, fallbackNote(cause, { status: statusOf(error) }));
    }

    const checked = checkDraftText(model.result.text, {
      platform: request.message.chat.platform,
      maxLength: request.maxLength,
      allowedLinks: allowedLinks(request),
      systemPrompts: [model.systemPrompt],
    });
    if (checked.problems.length > 0) {
      const codes = [...new Set(checked.problems.map((p) => p.code))];
      log.warn({ ...context, problems: codes }, 'llm.draft.refused');
      // The offline draft that replaces it is safe as it is: the refusal is told in the reason,
      // not as a flag (a flag would force the manager to edit a draft that needs no edit).
      return offlineDraft(request, 'refused', fallbackNote('refused', { problems: codes }));
    }
    return { ...model.result, text: checked.text };
  }

  async function classify(text: string, hint: ClassifyHint): Promise<Labels> {
    try {
      return await modelCall('classify', () => primary.classify(text, hint));
    } catch (error) {
      const cause = causeOf(error);
      log[isJamiiError(error) ? 'warn' : 'error']({ cause, ...errorFields(error) }, 'llm.classify.fallback');
      metrics?.fallback('classify', cause);
      const labels = await fallback.classify(text, hint);
      const note = fallbackNote(cause, { status: statusOf(error) }, 'labelled by rules');
      return { ...labels, reasons: [...labels.reasons, note], labeledBy: labels.labeledBy ?? fallback.name };
    }
  }

  const primaryEmbed = primary.embed;
  return {
    name: primary.name,
    parallelism: limits.concurrency,
    classify,
    draft,
    embed:
      primaryEmbed === undefined
        ? undefined
        : (texts: string[]) =>
            modelCall('embed', () => primaryEmbed(texts)).catch((error: unknown) => {
              log.warn({ count: texts.length, ...errorFields(error) }, 'llm.embed.failed');
              throw isJamiiError(error) ? error : new JamiiError('llm_unavailable', 'The embeddings request failed.', { cause: error });
            }),
  };
}
