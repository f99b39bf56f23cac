/**
 * The approval card, written once: what a manager sees for a draft on every platform.
 * Connectors render `CardView` in their own idiom; `cardText` is the plain-text fallback.
 */
import { cardActionId, heldEditVersion } from './card-actions.js';
import { isDraftDue } from './ingest-service.js';
import type { NewOutboundPost } from './ports.js';
import type { CardAction, CardView, ChatRef, Draft, DraftWithMessage, HeldEdit, OutboundPost, PollSpec, StoredMessage } from './types.js';

/** Length of the member's message quoted on a card. */
export const CARD_QUOTE_MAX_CHARS = 700;
/** Sources listed on a card. */
export const SOURCES_SHOWN = 4;

const KIND_TITLES = { question: 'Question', negative: 'Negative feedback', news: 'News post', spark: 'Discussion starter' } as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Where a decided draft's reply (or post) is on its way out. */
type DeliveryStage = 'posting' | 'waiting' | 'unconfirmed' | 'failed' | 'posted';

function deliveryStage(draft: DraftWithMessage, delivery: OutboundPost | null): DeliveryStage {
  if (delivery?.status === 'sent' || draft.status === 'sent') return 'posted';
  if (delivery?.status === 'pending' && delivery.waitUntil) return 'waiting';
  if (delivery?.status === 'unconfirmed') return 'unconfirmed';
  if (delivery?.status === 'failed') return 'failed';
  return 'posting';
}

/** What the body of a card is, by the draft's stage: a reply answers a member, a post answers nobody. */
const BODY_LABELS: Record<'reply' | 'post', Record<'pending' | 'rejected' | 'expired' | DeliveryStage, string>> = {
  reply: {
    pending: 'Reply that would be posted',
    posting: 'Approved reply, being posted',
    waiting: 'Approved reply, waiting to be posted',
    unconfirmed: 'Reply sent, not confirmed by the platform',
    failed: 'Approved reply, not posted (failed)',
    posted: 'Reply posted',
    rejected: 'Rejected reply (not posted)',
    expired: 'Expired reply (not posted)',
  },
  post: {
    pending: 'Post that would be published',
    posting: 'Approved post, being published',
    waiting: 'Approved post, waiting to be published',
    unconfirmed: 'Post sent, not confirmed by the platform',
    failed: 'Approved post, not published (failed)',
    posted: 'Post published',
    rejected: 'Rejected post (not published)',
    expired: 'Expired post (not published)',
  },
};

/** The heading over a card's body, which follows the draft: never "would be posted" once it was. */
export function bodyLabel(draft: DraftWithMessage, delivery: OutboundPost | null): string {
  const labels = BODY_LABELS[draft.message ? 'reply' : 'post'];
  return draft.status === 'pending' || draft.status === 'rejected' || draft.status === 'expired' ? labels[draft.status] : labels[deliveryStage(draft, delivery)];
}

/**
 * A card stored before every card carried its headings: only a pending draft's card can still be
 * queued from then (a decided draft's card is drawn again when it is sent), and a pending post's
 * card carried its body's heading already.
 */
export function withCardLabels(view: CardView): CardView {
  if (view.bodyLabel && view.quoteLabel) return view;
  return { ...view, bodyLabel: view.bodyLabel ?? BODY_LABELS.reply.pending, quoteFromBot: view.quoteFromBot ?? false, quoteLabel: view.quoteLabel ?? `${view.quoteAuthor} wrote` };
}

function deliveryNote(stage: DeliveryStage, delivery: OutboundPost | null): string {
  switch (stage) {
    case 'posted':
      return ' · posted';
    case 'waiting':
      return ` · waiting: ${delivery!.target.platform} takes no more posts in this chat for now; posting at about ${formatTime(delivery!.waitUntil!)}`;
    case 'unconfirmed':
      return ' · NOT CONFIRMED: check the chat, then /retry if it is missing';
    case 'failed':
      return ' · FAILED to post: /retry to try again';
    case 'posting':
      return ' · posting…';
  }
}

function statusLine(draft: DraftWithMessage, delivery: OutboundPost | null): string {
  switch (draft.status) {
    case 'pending':
      return draft.heldEdit ? `Waiting for a confirmation of ${draft.heldEdit.byName}'s edit` : 'Waiting for a decision';
    case 'rejected':
      return `Rejected by ${draft.decidedByName} at ${formatTime(draft.decidedAt!)}${draft.decisionNote ? `: ${draft.decisionNote}` : ''}`;
    case 'expired':
      return draft.answeredByName ? `Expired without a decision (answered by ${draft.answeredByName})` : 'Expired without a decision';
    default: {
      const verb = draft.status === 'edited' || draft.text !== draft.originalText ? 'Edited and approved' : 'Approved';
      const who = draft.decidedByName ? ` by ${draft.decidedByName} at ${formatTime(draft.decidedAt!)}` : '';
      return `${verb}${who}${deliveryNote(deliveryStage(draft, delivery), delivery)}`;
    }
  }
}

/** The member's words a card quotes: the message, or the whole burst in order ('' for a post). */
export function memberWords(draft: Pick<DraftWithMessage, 'message' | 'burst'>): string {
  if (!draft.message) return '';
  const all: StoredMessage[] = [draft.message, ...(draft.burst ?? [])].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || a.id - b.id);
  return all.map((m) => m.text).join('\n');
}

/**
 * The member edited a message of the draft after it was written: the card quotes the new text,
 * and says so, since the reply answers the old one — and when the messages no longer read as a
 * question or complaint. Null when nothing was edited since the draft.
 */
export function editedNote(draft: Pick<DraftWithMessage, 'message' | 'burst' | 'createdAt' | 'provider'>): string | null {
  if (!draft.message) return null;
  const all = [draft.message, ...(draft.burst ?? [])];
  const last = Math.max(...all.map((m) => m.editedAt?.getTime() ?? Number.NEGATIVE_INFINITY));
  if (last <= draft.createdAt.getTime()) return null;
  // An edit is labelled again by the rules. A model drafted from its own reading, which the
  // rules may not share (it catches what they miss): only the rules' own draft is judged by them.
  const still = draft.provider !== 'offline' || all.some((m) => isDraftDue(m.labels));
  return `the member edited their message at ${formatTime(new Date(last))}, after this draft was written: the quote is the new text, check the reply still fits${still ? '' : '; it no longer reads as a question or complaint'}`;
}

/** A poll as text: the question and numbered answers (platforms without polls, cards, logs). */
export function pollText(poll: PollSpec): string {
  return [poll.question, ...poll.options.map((o, i) => `${i + 1}. ${o}`)].join('\n');
}

/** What a post draft would publish, poll included, as one text. */
export function postBody(draft: Pick<Draft, 'text' | 'poll'>): string {
  return draft.poll ? [draft.text, pollText(draft.poll)].filter((t) => t.trim() !== '').join('\n\n') : draft.text;
}

/** "faq.md › Delivery" per source, at most `SOURCES_SHOWN`. */
export function sourcesLine(draft: Pick<Draft, 'sources'>): string | null {
  if (draft.sources.length === 0) return null;
  const shown = draft.sources.slice(0, SOURCES_SHOWN).map((s) => (s.heading ? `${s.source} › ${s.heading}` : s.source));
  const more = draft.sources.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

/** What a flagged draft's card says about its flags: the drafted text's, or a manager's held (or confirmed) edit's. */
function flagsField(draft: DraftWithMessage, heldEdit: HeldEdit | null): CardView['fields'][number] {
  const flags = draft.flags.join('; ');
  if (heldEdit === null) return { label: 'Needs an edit', value: flags };
  const edit = `${heldEdit.byName}'s edit at ${formatTime(heldEdit.at)}`;
  if (draft.status !== 'pending') return { label: 'Posted despite', value: `${flags} (${edit}, confirmed)` };
  return { label: 'Edit held', value: `${edit} failed a check, so it is not posted: ${flags}. Post anyway only if this is what you mean to post.` };
}

/** Who a card quotes, told by the author flag: a member named "Jamii" still reads as a member. */
function quoteHeading(m: StoredMessage | null): Pick<CardView, 'quoteFromBot' | 'quoteLabel'> {
  if (!m) return { quoteFromBot: true, quoteLabel: 'Why Jamii proposes it' };
  return { quoteFromBot: m.author.isBot, quoteLabel: `${m.author.isBot ? 'Bot' : 'Member'} ${m.author.displayName} wrote` };
}

export function cardView(draft: DraftWithMessage, delivery: OutboundPost | null = null): CardView {
  const m = draft.message;
  const where = `${draft.target.platform} · ${draft.targetTitle ?? draft.target.chatId}`;
  const flagged = draft.flags.length > 0;
  const held = draft.heldEdit !== null;
  const actions: CardAction[] = [];
  if (draft.status === 'pending') {
    // A flagged draft cannot go out as it is: the manager edits it or rejects it. A manager's
    // own edit that failed a check can, but only on a deliberate confirmation.
    // Post anyway carries the version of the edit this card shows: a press once it was replaced posts nothing.
    if (held) actions.push({ id: cardActionId('confirm', draft.id, heldEditVersion(draft.text)), label: 'Post anyway', style: 'danger' });
    else if (!flagged) actions.push({ id: cardActionId('approve', draft.id), label: 'Approve', style: 'primary' });
    actions.push({ id: cardActionId('edit', draft.id), label: 'Edit', style: flagged ? 'primary' : 'secondary' }, { id: cardActionId('reject', draft.id), label: 'Reject', style: 'danger' });
  } else if (delivery && (delivery.status === 'unconfirmed' || delivery.status === 'failed')) {
    actions.push({ id: cardActionId('retry', draft.id), label: 'Retry', style: 'secondary' });
  }
  // A post quotes its reason where a reply quotes the member: no second "Why" line for it.
  const fields: CardView['fields'] = m ? [{ label: 'Why', value: draft.reason }] : [];
  const sources = sourcesLine(draft);
  fields.push({ label: 'Sources', value: sources ?? (m ? 'none: not grounded in the knowledge base' : 'none') });
  if (draft.translation) fields.push({ label: 'Translation', value: clip(draft.translation, CARD_QUOTE_MAX_CHARS) });
  if (flagged) fields.push(flagsField(draft, draft.heldEdit));
  if (m?.deletedAt) fields.push({ label: 'Deleted', value: `the member's message was deleted at ${formatTime(m.deletedAt)}: a reply would answer nothing visible` });
  const edited = editedNote(draft);
  if (edited) fields.push({ label: 'Edited', value: edited });
  if (draft.answeredByName) fields.push({ label: 'Answered', value: `by ${draft.answeredByName} at ${formatTime(draft.answeredAt!)}: check before posting` });
  fields.push(
    { label: 'Status', value: statusLine(draft, delivery) },
    { label: 'Drafted by', value: `${draft.provider}${draft.model ? ` (${draft.model})` : ''} · ${draft.promptName} v${draft.promptVersion}` },
  );
  const burst = draft.burst?.length ?? 0;
  return {
    draftId: draft.id,
    title: `#${draft.id} ${KIND_TITLES[draft.kind]} · ${where}${burst > 0 ? ` · ${burst + 1} messages` : ''}`,
    status: draft.status,
    // A post answers nobody: the card quotes what it rests on instead.
    quote: clip(m ? memberWords(draft) : draft.reason, CARD_QUOTE_MAX_CHARS),
    quoteAuthor: m ? m.author.displayName : 'Jamii',
    ...quoteHeading(m),
    body: m ? draft.text : postBody(draft),
    bodyLabel: bodyLabel(draft, delivery),
    // A poll is shown in the body but is not part of the text an edit replaces.
    ...(!m && draft.poll ? { editText: draft.text } : {}),
    fields,
    footer:
      draft.status === 'pending'
        ? `${held ? `/confirm ${draft.id} · ` : flagged ? '' : `/approve ${draft.id} · `}/edit ${draft.id} <new text> · /reject ${draft.id} [reason]`
        : null,
    actions,
  };
}

/** Plain-text rendering of a card, for platforms (and logs) without rich layout. */
export function cardText(view: CardView): string {
  const lines = [
    view.title,
    `${view.quoteLabel}:`,
    ...view.quote.split('\n').map((l) => `> ${l}`),
    '',
    `${view.bodyLabel}:`,
    view.body,
    '',
    ...view.fields.map((f) => `${f.label}: ${f.value}`),
  ];
  if (view.footer) lines.push(view.footer);
  return lines.join('\n');
}

/** The outbox rows that put a new draft's card on each desk (once per desk, by dedupe key). */
export function deskCardPosts(draft: DraftWithMessage, desks: ChatRef[]): NewOutboundPost[] {
  const view = cardView(draft);
  const text = cardText(view);
  return desks.map((desk) => ({
    kind: 'card' as const,
    target: desk,
    replyToMessageId: null,
    text,
    card: view,
    draftId: draft.id,
    dedupeKey: `card:${draft.id}:${desk.platform}:${desk.chatId}`,
  }));
}
