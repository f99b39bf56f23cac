/**
 * Mentions in a draft: broadcast mentions that ping a whole group, and floods of individual
 * mentions. Checked on every platform whatever the draft is for (a draft can be edited,
 * copied or cross-posted), on text folded for look-alikes ("＠everyone", "@еveryone").
 */
import { foldLookalikes } from './lookalikes.js';

/** This many distinct people mentioned in one reply is a mention flood, not a conversation. */
export const MASS_MENTION_MIN_USERS = 5;

/** Broadcast keywords after "@": Discord @everyone/@here, Slack @channel/@here/@everyone,
 * the @all/@admins conventions of Telegram group bots, Matrix-style @room. */
const BROADCAST_AT = /@(everyone|here|channel|all|room|group|admins?)(?![\p{L}\p{N}_\-])(?!\.[\p{L}])/gu;
/** Slack special mentions: <!channel>, <!here|here>, <!everyone>, <!group>, <!subteam^ID|@team>. */
const SLACK_BROADCAST = /<!(channel|here|everyone|group)(?:\|[^>]*)?>|<!subteam\^[^>]*>/gu;
/** Discord role mention. */
const DISCORD_ROLE = /<@&\d+>/gu;
/** Platform user mentions by id: Discord <@123> / <@!123>, Slack <@U123|name>, Telegram tg://user?id=. */
const ID_MENTION = /<@!?(\d+)>|<@([uw][a-z0-9]+)(?:\|[^>]*)?>|tg:\/\/user\?id=(\d+)/gu;
/** A username mention: "@alice", "@acme_support". Not the domain of an email address. */
const HANDLE_MENTION = /(?<![\p{L}\p{N}_.+\-@<])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.]{0,31}[\p{L}\p{N}_])?)/gu;

const BROADCAST_WORDS = new Set(['everyone', 'here', 'channel', 'all', 'room', 'group', 'admin', 'admins']);

/** Mentions found in a text. */
export interface MentionScan {
  /** Broadcast mentions as written after folding: "@everyone", "<!channel>", "<@&123>". */
  broadcasts: string[];
  /** Usernames mentioned with "@", lowercased, without the "@", broadcast words excluded. */
  handles: string[];
  /** Users mentioned by platform id (Discord, Slack, Telegram), lowercased. */
  ids: string[];
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Every broadcast, handle and id mention in `text`, each once, look-alikes folded. */
export function scanMentions(text: string): MentionScan {
  const folded = foldLookalikes(text);
  const broadcasts = unique([
    ...[...folded.matchAll(BROADCAST_AT)].map((m) => m[0]),
    ...[...folded.matchAll(SLACK_BROADCAST)].map((m) => m[0]),
    ...[...folded.matchAll(DISCORD_ROLE)].map((m) => m[0]),
  ]);
  const handles = unique(
    [...folded.matchAll(HANDLE_MENTION)].map((m) => m[1]!).filter((handle) => !BROADCAST_WORDS.has(handle)),
  );
  const ids = unique([...folded.matchAll(ID_MENTION)].map((m) => (m[1] ?? m[2] ?? m[3])!));
  return { broadcasts, handles, ids };
}

/**
 * Why `text` would ping many people at once, one line per reason; empty when it would not.
 * Broadcasts count on every platform; individual mentions count when at least
 * {@link MASS_MENTION_MIN_USERS} distinct people are named.
 */
export function massMentionReasons(text: string): string[] {
  const { broadcasts, handles, ids } = scanMentions(text);
  const reasons = broadcasts.map((mention) => `broadcast mention ${mention}`);
  const people = handles.length + ids.length;
  if (people >= MASS_MENTION_MIN_USERS) reasons.push(`mentions ${people} different people`);
  return reasons;
}
