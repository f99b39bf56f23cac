/**
 * News commands: /feeds (admins list, add and remove a community's feeds) and /news (a manager
 * polls the community's feeds and proposes what is due now). Each acts on one community: the one
 * whose id comes first, else the only one in reach (see `chooseCommunity`).
 */
import type { CommunityDirectory } from '../communities.js';
import { JamiiError } from '../errors.js';
import { feedLabel, type FeedPoller } from '../news/feed-poller.js';
import type { NewsPublisher } from '../news/news-publisher.js';
import { canonicalUrl } from '../news/news-text.js';
import { FeedError, type FeedFetcher, type FeedRecord } from '../news/news-types.js';
import type { Clock } from '../ports.js';
import { plural } from '../plural.js';
import { principalKey } from '../types.js';
import { splitFirst } from './command-parser.js';
import type { CommandServices, CommandSpec } from './command-registry.js';

/** What the news commands need beyond the store. */
export interface NewsCommandServices {
  fetcher: FeedFetcher;
  poller: FeedPoller;
  publisher: NewsPublisher;
  communities: CommunityDirectory;
  clock: Clock;
}

function newsOf(services: CommandServices): NewsCommandServices {
  if (!services.news) throw new JamiiError('internal', 'News is not wired into this process.');
  return services.news;
}

function feedLine(f: FeedRecord): string {
  const state = f.consecutiveFailures === 0 ? (f.lastSuccessAt ? 'ok' : 'not polled yet') : `failing ×${f.consecutiveFailures}: ${f.lastError ?? 'error'}`;
  return `#${f.id} ${feedLabel(f)} — ${f.url} (${f.source === 'config' ? 'config file' : 'added'}; ${state})`;
}

type FeedsArgs = { action: 'list' } | { action: 'add'; url: string; name: string | null } | { action: 'remove'; id: number };

export const feedsCommand: CommandSpec<FeedsArgs> = {
  name: 'feeds',
  summary: "List, add or remove the community's news feeds",
  usage: '/feeds [community] list | add URL [name] | remove ID',
  role: 'admin',
  oneCommunity: true,
  parse(args) {
    const [action, rest] = splitFirst(args);
    switch ((action || 'list').toLowerCase()) {
      case 'list':
        return { action: 'list' };
      case 'add': {
        const [url, name] = splitFirst(rest);
        if (!url) throw new JamiiError('bad_arguments', `Which feed? Give its URL. Usage: ${feedsCommand.usage}`);
        return { action: 'add', url, name: name || null };
      }
      case 'remove': {
        const [first] = splitFirst(rest);
        const id = Number((first ?? '').replace(/^#/, ''));
        if (!Number.isSafeInteger(id) || id <= 0) throw new JamiiError('bad_arguments', `Which feed? Give its number as /feeds list shows it. Usage: ${feedsCommand.usage}`);
        return { action: 'remove', id };
      }
      default:
        throw new JamiiError('bad_arguments', `Unknown action "${action}". Usage: ${feedsCommand.usage}`);
    }
  },
  async run(ctx, args, services) {
    const news = newsOf(services);
    const communityId = ctx.communities[0]!;
    const { store } = services;
    if (args.action === 'list') {
      const list = await store.feeds.list([communityId]);
      if (list.length === 0) return { text: 'No feeds yet. Add one with /feeds add URL.' };
      return { text: [`Feeds of ${news.communities.get(communityId).name}:`, ...list.map(feedLine)].join('\n') };
    }
    if (args.action === 'remove') {
      const removed = await store.feeds.remove([communityId], args.id);
      if (!removed) throw new JamiiError('bad_arguments', `There is no feed #${args.id} in this community. /feeds list shows them.`);
      await store.audit.write({ communityId, actor: principalKey(ctx.invoker), action: 'feed.removed', subject: `feed:${removed.id}`, details: { url: removed.url } });
      const note = removed.source === 'config' ? ' It is in the community file: remove it there too, or it comes back at the next start.' : '';
      return { text: `🗑 Feed #${removed.id} (${feedLabel(removed)}) removed.${note}` };
    }
    const url = canonicalUrl(args.url);
    if (!url) throw new JamiiError('bad_arguments', `"${args.url.slice(0, 200)}" is not an http(s) URL. Usage: ${feedsCommand.usage}`);
    let title: string | null;
    let items: number;
    try {
      const outcome = await news.fetcher.fetch(url, { etag: null, lastModified: null });
      title = outcome.kind === 'ok' ? outcome.feed.title : null;
      items = outcome.kind === 'ok' ? outcome.feed.items.length : 0;
    } catch (error) {
      if (error instanceof FeedError) throw new JamiiError('bad_arguments', `That feed could not be read: ${error.message}. Nothing was added.`, { cause: error });
      throw error;
    }
    const added = await store.feeds.add({ communityId, url, name: args.name, title, source: 'command', nextPollAt: news.clock.now() });
    if (!added) throw new JamiiError('bad_arguments', `That feed is already in the list. /feeds list shows it.`);
    await store.audit.write({ communityId, actor: principalKey(ctx.invoker), action: 'feed.added', subject: `feed:${added.id}`, details: { url, title } });
    return { text: `📰 Feed #${added.id} added: ${title ?? url} (${plural(items, 'item')} now). New items are curated from the next poll; /news polls now.` };
  },
};

export const newsCommand: CommandSpec<void> = {
  name: 'news',
  summary: "Poll the community's feeds and propose the news that is due now",
  usage: '/news [community]',
  role: 'manager',
  oneCommunity: true,
  parse: () => undefined,
  async run(ctx, _args, services) {
    const news = newsOf(services);
    const communityId = ctx.communities[0]!;
    const polled = await news.poller.pollDue({ communityIds: [communityId], force: true });
    const results = await news.publisher.publishNow(communityId, ctx.invoker.displayName);
    const fresh = polled.reduce((n, p) => n + p.newItems, 0);
    const failed = polled.filter((p) => p.outcome === 'failed');
    const lines = [`Polled ${plural(polled.length, 'feed')}: ${plural(fresh, 'new item')}${failed.length > 0 ? `, ${failed.length} failed (${failed.map((f) => `#${f.feedId}: ${f.error}`).join('; ')})` : ''}.`];
    if (results.length === 0) lines.push('No chat of this community is set up for news (`news:` in the community file).');
    for (const r of results) {
      const what = {
        proposed: `${r.mode === 'auto' ? 'posting (auto mode)' : 'proposed'} draft #${r.draftId} (${plural(r.items, 'item')})`,
        quiet: 'skipped: quiet hours',
        cap: 'skipped: the daily limit is reached',
        empty: 'nothing new and relevant enough',
        handled: 'already handled',
        refused: "not posted: a desk or another community's chat (see news.chats in the community file)",
        failed: 'failed (see the desk notice and the logs); the next run tries again',
        waiting: 'waiting: new items are not scored yet (see the desk notice); the next run tries again',
      }[r.outcome];
      lines.push(`${r.chat}: ${what}`);
    }
    return { text: lines.join('\n') };
  },
};
