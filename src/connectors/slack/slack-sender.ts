/**
 * The outbound half: posts outbox rows with chat.postMessage and edits cards with chat.update.
 * A reply goes into the member's thread (the thread it was in, or a new thread on the member's
 * message); its text is escaped mrkdwn with link names and unfurls off, so it can never ping a
 * channel, a user group or anyone. Posts to one channel keep about a second apart; a 429's
 * Retry-After is waited out (up to a bound) and the call made again — Slack posted nothing.
 * Slack has no idempotency key for posts, so an interrupted send needs a human (idempotentSend
 * false). A channel that refuses the bot is reported so it is marked inactive. A proactive post
 * goes top level; Slack has no polls, so a poll is its question and numbered options as text; a
 * picture is uploaded with the external upload flow (files.getUploadURLExternal, the upload,
 * files.completeUploadExternal sharing it into the channel with the text as its comment).
 */
import { webApi } from '@slack/bolt';
import { DeliveryError, errorCauseCodes } from '../../core/errors.js';
import type { Logger, PlatformSender, SendOptions } from '../../core/ports.js';
import { postBody } from '../../core/desk-cards.js';
import type { ChatRef, ImageAttachment, OutboundPost } from '../../core/types.js';
import { checkDeadline, sleepUnlessAborted, untilDeadline } from '../send-deadline.js';
import { classifySlackError, describeSlackError, maybeDoneOf, platformErrorOf, retryAfterOf, type ChannelGoneReason } from './errors.js';
import { destinationOf } from './ids.js';
import { SLACK_RETRY_AFTER_MAX_SECONDS } from './limits.js';
import type { ChannelLimiter } from './rate-limiter.js';
import { renderCard, renderText, type SlackMessagePart } from './render.js';

/** Longest the upload of a picture's bytes may take (the call to the upload URL Slack hands out). */
export const SLACK_UPLOAD_TIMEOUT_MS = 15_000;

/** 429s one call sits out before the send goes back to the queue. */
export const SLACK_RATE_LIMIT_RETRIES = 3;

/**
 * The longest a post waits for its channel's slots inside a send job. A channel further behind
 * hands the post back to the queue until then, so a send job never outlives its expiry.
 */
export const SLACK_SEND_MAX_WAIT_MS = 10_000;

/**
 * Message metadata on every part Jamii posts: which outbox row and which part it is. A send whose
 * outcome is unknown is looked up by it in the channel's history (findPosted).
 */
export const SLACK_POST_EVENT_TYPE = 'jamii_post';
/** How far before the claim the history is read, and how many messages at most. */
const LOOKUP_SLACK_MS = 60_000;
const LOOKUP_LIMIT = 200;

interface PartMark {
  outboxId: number;
  part: number;
  parts: number;
}

/** Where a post goes: the channel, its parts, and the thread it answers in (a post stands on its own). */
function placementOf(outbound: OutboundPost): { channel: string; parts: SlackMessagePart[]; thread: string | undefined } {
  const { channel, threadTs } = destinationOf(outbound.target);
  const parts = outbound.card ? [renderCard(outbound.card)] : renderText(postBody(outbound));
  const thread = outbound.kind === 'post' ? undefined : (threadTs ?? outbound.replyToMessageId ?? undefined);
  return { channel, parts, thread };
}

/** A Slack ts (seconds.micros) for a time. */
const slackTs = (ms: number) => (ms / 1000).toFixed(6);

export interface SlackSenderDeps {
  client: webApi.WebClient;
  limiter: ChannelLimiter;
  log: Logger;
  /** The channel refused the bot or is gone: mark it inactive. */
  onChannelGone(chat: ChatRef, reason: ChannelGoneReason, why: string): Promise<void>;
  /** Given the send's deadline signal when there is one: a sleep that honours it clears its timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function createSlackSender(deps: SlackSenderDeps): PlatformSender {
  const { client, limiter, log } = deps;
  const sleep = deps.sleep ?? sleepUnlessAborted;

  /**
   * Makes a call, waiting out Slack's Retry-After (a 429 means nothing happened). Past the
   * deadline (`signal`) no wait goes on and no try starts; Slack's client cannot abort a request
   * in flight, which ends within its own timeout.
   */
  async function withRetryAfter<T>(what: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      checkDeadline(signal);
      try {
        return await call();
      } catch (error) {
        const wait = retryAfterOf(error);
        if (wait === null || wait > SLACK_RETRY_AFTER_MAX_SECONDS || attempt >= SLACK_RATE_LIMIT_RETRIES) throw error;
        log.warn({ call: what, retryAfterSeconds: wait }, 'slack.rate_limited');
        await untilDeadline(sleep(wait * 1000, signal), signal);
      }
    }
  }

  /** Posts one part in its reserved slot (`turn`), marked with its outbox row and place. */
  const post = async (channel: string, part: SlackMessagePart, threadTs: string | undefined, turn: (signal?: AbortSignal) => Promise<void>, mark: PartMark, signal: AbortSignal | undefined): Promise<string> => {
    await untilDeadline(turn(signal), signal);
    const sent = await withRetryAfter('chat.postMessage', () =>
      client.chat.postMessage({
        channel,
        text: part.text,
        ...(part.blocks ? { blocks: part.blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        mrkdwn: true,
        metadata: { event_type: SLACK_POST_EVENT_TYPE, event_payload: { outbox_id: mark.outboxId, part: mark.part, parts: mark.parts } },
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
      }),
      signal,
    );
    if (!sent.ts) throw new DeliveryError('unknown', false, 'slack accepted the post without a ts');
    return sent.ts;
  };

  /**
   * Uploads the picture and shares it into the channel with `text` (Slack's external upload flow:
   * an upload URL, the bytes, then the share); returns the share's ts (or the file id). Only the
   * share posts anything: a failure or the deadline before it leaves nothing in the channel (at
   * most an unshared file), and past the deadline the share never starts.
   */
  const upload = async (channel: string, image: ImageAttachment, text: string, threadTs: string | undefined, turn: (signal?: AbortSignal) => Promise<void>, signal: AbortSignal | undefined): Promise<string> => {
    await untilDeadline(turn(signal), signal);
    const bytes = Buffer.from(image.dataBase64, 'base64');
    const ticket = await withRetryAfter('files.getUploadURLExternal', () => client.files.getUploadURLExternal({ filename: image.filename, length: bytes.length, alt_text: image.alt }), signal).catch(
      (error: unknown) => {
        // Slack's own answers (a refusal, a channel gone, a long 429) are judged as for any call;
        // a timeout, a 5xx or an internal error here still shared nothing.
        if (error instanceof DeliveryError || retryAfterOf(error) !== null || (platformErrorOf(error) !== null && !maybeDoneOf(error))) throw error;
        throw new DeliveryError('not_sent', true, `slack gave no upload URL for the picture: ${describeSlackError(error)}`, { cause: error });
      },
    );
    if (!ticket.upload_url || !ticket.file_id) throw new DeliveryError('not_sent', true, 'slack gave no upload URL for the picture');
    checkDeadline(signal);
    // Like the SDK's own upload: the bot's token, no redirects, a timeout; the bytes raw (the
    // upload URL takes raw bytes or a form, where the SDK sends a form).
    const timeout = AbortSignal.timeout(SLACK_UPLOAD_TIMEOUT_MS);
    const uploaded = await fetch(ticket.upload_url, {
      method: 'POST',
      headers: { ...(client.token ? { authorization: `Bearer ${client.token}` } : {}), 'content-type': image.contentType },
      body: bytes,
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).catch((error: unknown) => {
      // Not the error's own text: a bad header's message would quote the header, token and all.
      const codes = errorCauseCodes(error);
      throw new DeliveryError('not_sent', true, `the picture's upload failed (${codes.length > 0 ? codes.join(', ') : error instanceof Error ? error.name : 'error'})`, { cause: error });
    });
    // Read to the end: an unread body holds its connection.
    await uploaded.arrayBuffer().catch(() => undefined);
    if (!uploaded.ok) throw new DeliveryError('not_sent', true, `the picture's upload was refused (HTTP ${uploaded.status})`);
    const result = await withRetryAfter(
      'files.completeUploadExternal',
      () =>
        client.files.completeUploadExternal({
          files: [{ id: ticket.file_id!, title: image.filename }],
          channel_id: channel,
          ...(text ? { initial_comment: text } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        } as Parameters<typeof client.files.completeUploadExternal>[0]),
      signal,
    );
    const file = (result.files as Array<{ id?: string; shares?: Record<string, Record<string, Array<{ ts?: string }>>> }> | undefined)?.[0];
    if (!file?.id) throw new DeliveryError('unknown', false, 'slack accepted the upload without a file id');
    // Slack names the message that shared the file when the share is done at once.
    const share = Object.values(file.shares ?? {}).flatMap((byChannel) => byChannel[channel] ?? [])[0];
    return share?.ts ?? file.id;
  };

  return {
    platform: 'slack',
    idempotentSend: false,

    async send(outbound: OutboundPost, options?: SendOptions) {
      const signal = options?.signal;
      // A reply (or a command's answer) threads under the message it answers; a post stands on its own.
      const { channel, parts, thread } = placementOf(outbound);
      let turns: Array<(signal?: AbortSignal) => Promise<void>> | undefined;
      let first: string | null = null;
      for (const [i, part] of parts.entries()) {
        try {
          // Every part's slot is reserved before the first goes: a busy channel refuses the whole post.
          turns ??= limiter.reserve(channel, parts.length, SLACK_SEND_MAX_WAIT_MS);
          const turn = turns[i]!;
          const ts =
            i === 0 && outbound.image
              ? await upload(channel, outbound.image, part.text, thread, turn, signal)
              : await post(channel, part, thread, turn, { outboxId: outbound.id, part: i, parts: parts.length }, signal);
          first ??= ts;
        } catch (error) {
          const why = describeSlackError(error);
          if (first !== null) throw new DeliveryError('unknown', false, `only part of a split reply was posted: ${why}`, { cause: error });
          // Stopped by the deadline before it went out, or already judged (a post without a ts).
          if (error instanceof DeliveryError) throw error;
          const failure = classifySlackError(error);
          if (failure.channelGone) await deps.onChannelGone(outbound.target, failure.channelGone, why);
          throw failure.error;
        }
      }
      return { messageId: first! };
    },

    async findPosted(outbound, options) {
      // A picture is shared by the upload flow, which carries no metadata to find it by.
      if (outbound.image) return null;
      const { channel, parts, thread } = placementOf(outbound);
      const oldest = slackTs((outbound.claimedAt?.getTime() ?? Date.now() - 3_600_000) - LOOKUP_SLACK_MS);
      const args = { channel, oldest, limit: LOOKUP_LIMIT, include_all_metadata: true };
      const found = await withRetryAfter('conversations lookup', () => (thread ? client.conversations.replies({ ...args, ts: thread }) : client.conversations.history(args)), options?.signal);
      const byPart = new Map<number, string>();
      for (const m of found.messages ?? []) {
        const payload = m.metadata?.event_type === SLACK_POST_EVENT_TYPE ? (m.metadata.event_payload as Record<string, unknown> | undefined) : undefined;
        if (payload && Number(payload.outbox_id) === outbound.id && m.ts) byPart.set(Number(payload.part), m.ts);
      }
      // Every part, or it is not (all) there: a human checks.
      if (parts.some((_, i) => !byPart.has(i))) return null;
      return { messageId: byPart.get(0)! };
    },

    async updateCard(target, messageId, card) {
      const { channel } = destinationOf(target);
      const part = renderCard(card);
      try {
        await withRetryAfter('chat.update', () => client.chat.update({ channel, ts: messageId, text: part.text, blocks: part.blocks ?? [] }));
      } catch (error) {
        const why = describeSlackError(error);
        if (platformErrorOf(error) === 'message_not_found' || platformErrorOf(error) === 'cant_update_message') {
          log.warn({ chat: channel, messageId, why }, 'slack.card_not_updated');
          return;
        }
        const failure = classifySlackError(error);
        if (failure.channelGone) {
          await deps.onChannelGone(target, failure.channelGone, why);
          return;
        }
        throw failure.error;
      }
    },
  };
}
