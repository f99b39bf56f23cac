/**
 * Classification by a model: the system prompt from `prompts/model-classify.md`, the message
 * (and the few before it) as data blocks, a strict JSON answer mapped to Labels.
 */
import type { ClassifyHint, ContextMessage } from '../../core/ports.js';
import { visibleLine } from '../../core/safety/invisible.js';
import { UNTRUSTED_DATA_RULE, untrustedBlock } from '../../core/safety/untrusted.js';
import type { Labels } from '../../core/types.js';
import { renderPrompt, type PromptSource } from '../prompt-registry.js';
import type { ChatMessage } from './chat.js';
import type { Classification } from './schemas.js';

/** Longest reason kept from the model (shown on the card). */
export const MODEL_REASON_MAX_CHARS = 300;
const TOPIC_MAX_CHARS = 60;
/** Earlier messages shown with a message to classify. */
export const CLASSIFY_CONTEXT_MESSAGES = 5;

export const CLASSIFICATION_FORMAT_NAME = 'jamii_classification';

export function recentBlocks(recent: readonly ContextMessage[]): string[] {
  return recent.map((m) =>
    untrustedBlock('recent_message', m.text, { author: m.author, from_bot: m.isBot ? 'yes' : 'no', sent_at: m.sentAt.toISOString() }),
  );
}

export function buildClassifyMessages(prompts: PromptSource, text: string, hint: ClassifyHint): ChatMessage[] {
  const system = renderPrompt(prompts.get('model-classify', hint.communityId), { communityLanguage: hint.communityLanguage, dataRule: UNTRUSTED_DATA_RULE }, 'en');
  const recent = (hint.recent ?? []).slice(-CLASSIFY_CONTEXT_MESSAGES);
  const parts: string[] = [];
  if (recent.length > 0) parts.push('Earlier messages in the chat, oldest first (context only):', ...recentBlocks(recent));
  parts.push('The message to label:', untrustedBlock('member_message', text));
  return [
    { role: 'system', content: system.text },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export function clip(text: string, max: number): string {
  const chars = Array.from(visibleLine(text));
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

export function toLabels(output: Classification, labeledBy: string): Labels {
  const topic = output.topic === null ? null : clip(output.topic, TOPIC_MAX_CHARS);
  const reason = clip(output.reason, MODEL_REASON_MAX_CHARS);
  return {
    language: output.language,
    isQuestion: output.is_question,
    isNegative: output.is_negative,
    severity: output.is_negative ? output.severity : 0,
    reasons: reason === '' ? [] : [reason],
    topic: topic === '' ? null : topic,
    needsReply: output.needs_reply,
    labeledBy,
  };
}
