/**
 * Replay of the prompts that write news. A candidate version of news-take or news-offline
 * rewrites the community's recent news posts from the feed items each was written from; a
 * candidate news-score scores its recent feed items again. Both run side by side with a baseline
 * (the version in force) through the writer the live path uses. Nothing is stored or posted:
 * prompt-replay.ts posts the report to the desk, as for a replay of the drafting prompts.
 */
import type { CommunityDirectory } from '../communities.js';
import type { CommunityNewsSettings, NewsCommunity, NewsItem, NewsScore, NewsTake, NewsWriter } from '../news/news-types.js';
import type { Clock, Logger, Store } from '../ports.js';
import { DAY_MS } from '../time.js';
import { newsMaxLength } from './post-prompt-dry-run.js';
import type { DryRunProviders, NewsPostEvidence, PromptChoice, ReplayJob } from './prompt-ports.js';
import { clipSample, closeness, closenessLine, mean, type Closeness } from './replay-figures.js';
import { plural } from '../plural.js';

/** News posts one replay of a writer prompt rewrites at most (the newest). */
export const NEWS_REPLAY_MAX_POSTS = 50;
/** Feed items one replay of news-score scores at most (the newest). */
export const NEWS_REPLAY_MAX_ITEMS = 200;
/** Items scored per call, as the feed poller scores a poll's new items. */
const SCORE_BATCH = 20;
/** Differing posts or most moved scores shown in a report. */
export const NEWS_REPLAY_SAMPLES = 3;

export interface NewsReplayDeps {
  store: Store;
  providers: DryRunProviders;
  communities: CommunityDirectory;
  /** The community's news settings (topics, chats); null when it has none. */
  newsOf?: ((communityId: string) => CommunityNewsSettings | null) | undefined;
  clock: Clock;
  log: Logger;
}

/** What a replay asks of the store: how many posts or items it would cover. */
export async function newsReplaySize(store: Store, job: Pick<ReplayJob, 'communityId' | 'name' | 'days'>, now: Date): Promise<{ count: number; unit: string }> {
  const since = new Date(now.getTime() - job.days * DAY_MS);
  if (job.name === 'news-score') {
    const items = await store.feeds.recentItems(job.communityId, since, NEWS_REPLAY_MAX_ITEMS);
    return { count: items.length, unit: 'feed item' };
  }
  return { count: (await store.promptEvidence.newsPosts(job.communityId, since, NEWS_REPLAY_MAX_POSTS)).length, unit: 'news post' };
}

const clip = (text: string | null) => clipSample(text, '(nothing)');

// --- news-take / news-offline --------------------------------------------------------------------

export interface NewsTakeComparison {
  post: NewsPostEvidence;
  /** The first item's title: how a manager recognises the post. */
  headline: string;
  items: number;
  baseline: NewsTake;
  candidate: NewsTake;
  /** The text that went out, when a manager approved or edited the post. */
  sent: string | null;
}

export interface NewsWriterReplayReport extends Closeness {
  total: number;
  failed: number;
  /** Posts whose feed items are no longer stored (deleted by hand): nothing to rewrite them from. */
  missing: number;
  differ: number;
  /** Takes the replayed prompt itself wrote (the model's writer falls back to the offline one). */
  candidateUsed: number;
  baselineUsed: number;
  /** The prompts that wrote the takes the replayed one did not (news-offline when a model's take fell back; news-take when the model wrote them). */
  otherWriters: string[];
  samples: NewsTakeComparison[];
}

/** The figures of a writer replay, from its comparisons (pure: unit-tested). */
export function summarizeNewsWriterReplay(name: string, comparisons: readonly NewsTakeComparison[], failed: number, missing: number): NewsWriterReplayReport {
  const differing = comparisons.filter((c) => c.baseline.text !== c.candidate.text);
  const near = closeness(comparisons.map((c) => ({ candidate: c.candidate.text, baseline: c.baseline.text, sent: c.sent })));
  return {
    total: comparisons.length + failed + missing,
    failed,
    missing,
    differ: differing.length,
    candidateUsed: comparisons.filter((c) => c.candidate.promptName === name).length,
    baselineUsed: comparisons.filter((c) => c.baseline.promptName === name).length,
    otherWriters: [...new Set(comparisons.flatMap((c) => [c.baseline.promptName, c.candidate.promptName]).filter((p) => p !== name))].sort(),
    ...near,
    samples: differing.slice(0, NEWS_REPLAY_SAMPLES),
  };
}

export function formatNewsWriterReport(name: string, report: NewsWriterReplayReport): string[] {
  const n = report.total - report.failed - report.missing;
  const lines = [`Posts that would differ: ${report.differ} of ${n}.`];
  if (report.candidateUsed < n || report.baselineUsed < n) {
    const others = report.otherWriters.length > 0 ? report.otherWriters.join(' and ') : 'other prompts';
    lines.push(`${name} itself wrote ${report.candidateUsed} of the candidate's posts and ${report.baselineUsed} of the baseline's; ${others} wrote the others.`);
  }
  lines.push(closenessLine(report, 'posts'));
  if (report.samples.length > 0) {
    lines.push('Samples:');
    for (const s of report.samples) {
      lines.push(`• "${clip(s.headline)}"${s.items > 1 ? ` (digest of ${s.items} items)` : ''}`, `   baseline: ${clip(s.baseline.text)}`, `   candidate: ${clip(s.candidate.text)}`);
    }
  }
  if (report.missing > 0) lines.push(`${plural(report.missing, 'post')} could not be rewritten: the feed items ${report.missing === 1 ? 'it was' : 'they were'} written from are no longer stored.`);
  if (report.failed > 0) lines.push(`${plural(report.failed, 'post')} could not be rewritten (see the logs).`);
  return lines;
}

// --- news-score ----------------------------------------------------------------------------------

export interface NewsScoreComparison {
  item: NewsItem;
  /** A chat was offered it as news. */
  proposed: boolean;
  baseline: NewsScore;
  candidate: NewsScore;
}

export interface NewsScoreReplayReport {
  total: number;
  failed: number;
  /** The lowest minimum score of the community's news chats; null without news chats. */
  minScore: number | null;
  meanScore: { candidate: number | null; baseline: number | null };
  passing: { candidate: number; baseline: number };
  /** Items that would pass the minimum under the candidate and do not now, and the reverse. */
  newlyIn: number;
  newlyOut: number;
  /** Items already offered as news that the candidate would score below the minimum. */
  proposedBelow: number;
  proposed: number;
  /** The items whose score would move most. */
  samples: NewsScoreComparison[];
}

/** The figures of a news-score replay, from its comparisons (pure: unit-tested). */
export function summarizeNewsScoreReplay(comparisons: readonly NewsScoreComparison[], failed: number, minScore: number | null): NewsScoreReplayReport {
  const passes = (s: NewsScore) => minScore !== null && s.score >= minScore;
  const moved = comparisons
    .filter((c) => c.candidate.score !== c.baseline.score)
    .sort((a, b) => Math.abs(b.candidate.score - b.baseline.score) - Math.abs(a.candidate.score - a.baseline.score) || b.item.id - a.item.id);
  return {
    total: comparisons.length + failed,
    failed,
    minScore,
    meanScore: { candidate: mean(comparisons.map((c) => c.candidate.score)), baseline: mean(comparisons.map((c) => c.baseline.score)) },
    passing: { candidate: comparisons.filter((c) => passes(c.candidate)).length, baseline: comparisons.filter((c) => passes(c.baseline)).length },
    newlyIn: comparisons.filter((c) => passes(c.candidate) && !passes(c.baseline)).length,
    newlyOut: comparisons.filter((c) => !passes(c.candidate) && passes(c.baseline)).length,
    proposedBelow: minScore === null ? 0 : comparisons.filter((c) => c.proposed && c.candidate.score < minScore).length,
    proposed: comparisons.filter((c) => c.proposed).length,
    samples: moved.slice(0, NEWS_REPLAY_SAMPLES),
  };
}

const score = (value: number | null) => (value === null ? '–' : value.toFixed(2));

export function formatNewsScoreReport(report: NewsScoreReplayReport): string[] {
  const n = report.total - report.failed;
  const lines = [`Mean score: candidate ${score(report.meanScore.candidate)}, baseline ${score(report.meanScore.baseline)} (${plural(n, 'item')}).`];
  if (report.minScore === null) {
    lines.push('This community has no news chats, so no minimum score decides what is offered.');
  } else {
    lines.push(
      `At or above the news chats' minimum score (${score(report.minScore)}): candidate ${report.passing.candidate}, baseline ${report.passing.baseline} (${report.newlyIn} newly in, ${report.newlyOut} newly out).`,
    );
    if (report.proposed > 0) lines.push(`Of the ${plural(report.proposed, 'item')} already offered as news, the candidate would score ${report.proposedBelow} below the minimum.`);
  }
  if (report.samples.length > 0) {
    lines.push('Scores that would move most:');
    for (const s of report.samples) {
      lines.push(`• "${clip(s.item.title)}": ${score(s.baseline.score)} → ${score(s.candidate.score)}`, `   candidate: ${clip(s.candidate.reason)}`);
    }
  } else {
    lines.push('No score would change.');
  }
  if (report.failed > 0) lines.push(`${plural(report.failed, 'item')} could not be scored (see the logs).`);
  return lines;
}

// --- the replay ----------------------------------------------------------------------------------

export interface NewsReplayOutcome {
  /** The report's lines after its heading. */
  lines: string[];
  total: number;
  differ: number;
  unit: string;
}

function newsCommunity(deps: NewsReplayDeps, communityId: string): NewsCommunity {
  const { id, name, language } = deps.communities.get(communityId);
  return { id, name, language, topics: deps.newsOf?.(communityId)?.topics ?? { keywords: [], description: name } };
}

/** One news replay: its request, the two writers, the community as the news writers see it. */
interface NewsReplayRun {
  deps: NewsReplayDeps;
  job: ReplayJob;
  writers: { candidate: NewsWriter; baseline: NewsWriter };
  community: NewsCommunity;
  since: Date;
  progress: (done: number, of: number) => Promise<void>;
}

async function replayWriter({ deps, job, writers, community, since, progress }: NewsReplayRun): Promise<NewsReplayOutcome> {
  const posts = await deps.store.promptEvidence.newsPosts(job.communityId, since, NEWS_REPLAY_MAX_POSTS);
  const items = new Map((await deps.store.feeds.itemsById([...new Set(posts.flatMap((p) => p.itemIds))])).map((i) => [i.id, i]));
  const comparisons: NewsTakeComparison[] = [];
  let failed = 0;
  let missing = 0;
  for (const [index, post] of posts.entries()) {
    const from = post.itemIds.flatMap((id) => items.get(id) ?? []);
    if (from.length === 0) {
      missing++;
    } else {
      try {
        const request = { community, items: from, maxLength: newsMaxLength([post.platform]) };
        const baseline = await writers.baseline.writeTake(request);
        const candidate = await writers.candidate.writeTake(request);
        const sent = ['approved', 'edited', 'sent'].includes(post.status) ? post.text : null;
        comparisons.push({ post, headline: from[0]!.title, items: from.length, baseline, candidate, sent });
      } catch (error) {
        failed++;
        deps.log.warn({ err: error, draftId: post.draftId, replayId: job.replayId }, 'prompt.replay.news_post_failed');
      }
    }
    await progress(index + 1, posts.length);
  }
  const report = summarizeNewsWriterReplay(job.name, comparisons, failed, missing);
  return { lines: formatNewsWriterReport(job.name, report), total: report.total, differ: report.differ, unit: 'news post' };
}

async function replayScore({ deps, job, writers, community, since, progress }: NewsReplayRun): Promise<NewsReplayOutcome> {
  const found = await deps.store.feeds.recentItems(job.communityId, since, NEWS_REPLAY_MAX_ITEMS);
  const chats = deps.newsOf?.(job.communityId)?.chats ?? [];
  const minScore = chats.length === 0 ? null : Math.min(...chats.map((c) => c.minScore));
  const comparisons: NewsScoreComparison[] = [];
  let failed = 0;
  for (let from = 0; from < found.length; from += SCORE_BATCH) {
    const batch = found.slice(from, from + SCORE_BATCH);
    try {
      const items = batch.map((b) => b.item);
      const [baseline, candidate] = [await writers.baseline.score(community, items), await writers.candidate.score(community, items)];
      const byItem = (scores: NewsScore[]) => new Map(scores.map((s) => [s.itemId, s]));
      const [b, c] = [byItem(baseline), byItem(candidate)];
      for (const { item, proposed } of batch) {
        const pair = { baseline: b.get(item.id), candidate: c.get(item.id) };
        if (pair.baseline && pair.candidate) comparisons.push({ item, proposed, baseline: pair.baseline, candidate: pair.candidate });
        else failed++;
      }
    } catch (error) {
      failed += batch.length;
      deps.log.warn({ err: error, items: batch.length, replayId: job.replayId }, 'prompt.replay.news_score_failed');
    }
    await progress(Math.min(found.length, from + SCORE_BATCH), found.length);
  }
  const report = summarizeNewsScoreReplay(comparisons, failed, minScore);
  const differ = comparisons.filter((c) => c.candidate.score !== c.baseline.score).length;
  return { lines: formatNewsScoreReport(report), total: report.total, differ, unit: 'feed item' };
}

/** Replays a news prompt (news-take, news-offline or news-score) with the two versions. */
export async function runNewsReplay(
  deps: NewsReplayDeps,
  job: ReplayJob,
  choices: { candidate: PromptChoice; baseline: PromptChoice },
  progress: (done: number, of: number) => Promise<void>,
): Promise<NewsReplayOutcome> {
  const run: NewsReplayRun = {
    deps,
    job,
    writers: { candidate: deps.providers.newsWriterWith(choices.candidate), baseline: deps.providers.newsWriterWith(choices.baseline) },
    community: newsCommunity(deps, job.communityId),
    since: new Date(deps.clock.now().getTime() - job.days * DAY_MS),
    progress,
  };
  return job.name === 'news-score' ? replayScore(run) : replayWriter(run);
}
