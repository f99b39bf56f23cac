/**
 * The approval card, written once: what a manager sees for a draft on every platform.
 * Connectors render `CardView` in their own idiom; `cardText` is the plain-text fallback.
 */
import type { CardAction, CardView, DraftWithMessage, OutboundPost } from './types.js';

/** Length of the member's message quoted on a card. */
export const CARD_QUOTE_MAX_CHARS = 700;

const KIND_TITLES = { question: 'Question', negative: 'Negative feedback' } as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function statusLine(draft: DraftWithMessage, delivery: OutboundPost | null): string {
  switch (draft.status) {
    case 'pending':
      return 'Waiting for a decision';
    case 'rejected':
      return `Rejected by ${draft.decidedByName} at ${formatTime(draft.decidedAt!)}${draft.decisionNote ? `: ${draft.decisionNote}` : ''}`;
    case 'expired':
      return 'Expired without a decision';
    default: {
      const verb = draft.status === 'edited' || draft.text !== draft.originalText ? 'Edited and approved' : 'Approved';
      const who = draft.decidedByName ? ` by ${draft.decidedByName} at ${formatTime(draft.decidedAt!)}` : '';
      const sent =
        delivery?.status === 'sent' || draft.status === 'sent'
          ? ' · posted'
          : delivery?.status === 'unconfirmed'
            ? ' · NOT CONFIRMED: check the chat, then /retry if it is missing'
            : delivery?.status === 'failed'
              ? ' · FAILED to post: /retry to try again'
              : ' · posting…';
      return `${verb}${who}${sent}`;
    }
  }
}

export function cardView(draft: DraftWithMessage, delivery: OutboundPost | null = null): CardView {
  const m = draft.message;
  const where = `${m.chat.platform} · ${m.chatTitle ?? m.chat.chatId}`;
  const actions: CardAction[] = [];
  if (draft.status === 'pending') {
    actions.push(
      { id: `approve:${draft.id}`, label: 'Approve', style: 'primary' },
      { id: `edit:${draft.id}`, label: 'Edit', style: 'secondary' },
      { id: `reject:${draft.id}`, label: 'Reject', style: 'danger' },
    );
  } else if (delivery && (delivery.status === 'unconfirmed' || delivery.status === 'failed')) {
    actions.push({ id: `retry:${draft.id}`, label: 'Retry', style: 'secondary' });
  }
  return {
    draftId: draft.id,
    title: `#${draft.id} ${KIND_TITLES[draft.kind]} · ${where}`,
    status: draft.status,
    quote: clip(m.text, CARD_QUOTE_MAX_CHARS),
    quoteAuthor: m.author.displayName,
    body: draft.text,
    fields: [
      { label: 'Why', value: draft.reason },
      { label: 'Status', value: statusLine(draft, delivery) },
      { label: 'Drafted by', value: `${draft.provider} · ${draft.promptName} v${draft.promptVersion}` },
    ],
    footer: draft.status === 'pending' ? `/approve ${draft.id} · /edit ${draft.id} <new text> · /reject ${draft.id} [reason]` : null,
    actions,
  };
}

/** Plain-text rendering of a card, for platforms (and logs) without rich layout. */
export function cardText(view: CardView): string {
  const lines = [
    view.title,
    `${view.quoteAuthor} wrote:`,
    ...view.quote.split('\n').map((l) => `> ${l}`),
    '',
    'Reply that would be posted:',
    view.body,
    '',
    ...view.fields.map((f) => `${f.label}: ${f.value}`),
  ];
  if (view.footer) lines.push(view.footer);
  return lines.join('\n');
}
