/**
 * Dry runs of the prompts that write posts rather than replies: a news take or score for a
 * sample item, a spark for a chat from its real material, the weekly report's narrative from
 * the latest week's figures. Each runs with a chosen prompt version through the writer the
 * live path uses, and nothing is stored or posted.
 */
import type { NarrativeInput } from '../analytics/weekly-report.js';
import { PLATFORM_TEXT_LIMITS } from '../draft-context.js';
import { DRAFT_TEXT_MAX_CHARS } from '../draft-writer.js';
import { JamiiError } from '../errors.js';
import type { NewsCommunity, NewsItem, NewsTopics } from '../news/news-types.js';
import { titleKey } from '../news/news-text.js';
import { linksIn } from '../safety/output-checks.js';
import type { SparkMaterial } from '../sparks/spark-types.js';
import type { Platform } from '../types.js';
import type { DryRunProviders, PromptChoice } from './prompt-ports.js';
import { plural } from '../plural.js';

/** The link a sample item gets when the sample has none. */
export const SAMPLE_ITEM_LINK = 'https://example.org/jamii-prompt-test';

/**
 * A feed item made of a `/prompt test` sample: its first line is the headline, the rest the
 * summary, and its first link (taken out of the text) the item's link.
 */
export function sampleItem(communityId: string, sample: string, now: Date): NewsItem {
  const link = linksIn(sample)[0] ?? SAMPLE_ITEM_LINK;
  const text = sample.replace(link, '').trim();
  const [headline = '', ...rest] = text.split('\n');
  const title = headline.replace(/\s+/g, ' ').trim() || 'Sample headline';
  return {
    id: 0,
    feedId: 0,
    feedLabel: 'prompt test',
    feedUrl: '',
    communityId,
    guid: 'prompt-test',
    link,
    title,
    summary: rest.join(' ').replace(/\s+/g, ' ').trim(),
    titleKey: titleKey(title),
    publishedAt: now,
    fetchedAt: now,
    duplicateOf: null,
    score: null,
    scoreReason: null,
  };
}

/** The longest news post a community's chats take (the shortest platform limit among them). */
export function newsMaxLength(platforms: readonly Platform[]): number {
  const limits = platforms.map((p) => PLATFORM_TEXT_LIMITS[p]);
  return Math.min(DRAFT_TEXT_MAX_CHARS, ...(limits.length > 0 ? limits : [PLATFORM_TEXT_LIMITS.telegram]));
}

export interface NewsDryRun {
  community: { id: string; name: string; language: string };
  /** What the community's news is about; null when it has no news settings. */
  topics: NewsTopics | null;
  /** Platforms of its news chats (the post's length limit). */
  platforms: Platform[];
  sample: string;
  now: Date;
}

/** news-take / news-offline: the post the sample item would get. news-score: its relevance score. */
export async function dryRunNews(providers: DryRunProviders, choice: PromptChoice, run: NewsDryRun): Promise<string[]> {
  const topics = run.topics ?? { keywords: [], description: run.community.name };
  const community: NewsCommunity = { ...run.community, topics };
  const item = sampleItem(community.id, run.sample, run.now);
  const writer = providers.newsWriterWith(choice);
  const lines = [`Item: "${item.title}"${item.summary ? ` — ${item.summary}` : ''} (${item.link})`];
  if (choice.name === 'news-score') {
    if (!run.topics) lines.push(`(${community.id} has no news topics configured: scored against its name alone.)`);
    const [score] = await writer.score(community, [item]);
    lines.push(`Score: ${score!.score.toFixed(2)} by ${score!.scoredBy} — ${score!.reason}`);
    return lines;
  }
  const take = await writer.writeTake({ community, items: [item], maxLength: newsMaxLength(run.platforms) });
  lines.push(`Written by ${take.provider}${take.model ? ` (${take.model})` : ''} · ${take.promptName} v${take.promptVersion}`);
  if (take.promptName !== choice.name) lines.push(`(${choice.name} was not used: ${take.promptName} wrote the post${take.note ? ` — ${take.note}` : ''}.)`);
  else if (take.note) lines.push(`Note: ${take.note}`);
  if (take.flags.length > 0) lines.push(`Flagged (held at the desk even in auto mode): ${take.flags.join('; ')}`);
  lines.push('', take.text);
  return lines;
}

/** spark-model: the starter the model would write for a chat from its material now. */
export async function dryRunSpark(providers: DryRunProviders, choice: PromptChoice, material: SparkMaterial, chatLabel: string): Promise<string[]> {
  const writer = providers.sparkWriterWith(choice);
  if (!writer) return [offlineOnlyNote(choice.name, 'sparks')];
  const lines = [
    `Chat: ${chatLabel} · material: ${plural(material.topics.length, 'topic')}, ${plural(material.openQuestions.length, 'unanswered question')}, ${plural(material.news.length, 'news post')}`,
  ];
  try {
    const idea = await writer.write(material);
    lines.push(`Written by ${writer.name}${writer.model ? ` (${writer.model})` : ''} · ${choice.name} v${idea.promptVersion ?? writer.promptVersion} · ${idea.kind}, grounded in ${idea.basis.kind}${idea.basis.ref ? ` (${idea.basis.ref})` : ''}`);
    lines.push(`Why: ${idea.reason}`, '');
    if (idea.text) lines.push(idea.text);
    if (idea.poll) lines.push(`📊 ${idea.poll.question}`, ...idea.poll.options.map((o, i) => `${i + 1}. ${o}`));
  } catch (error) {
    lines.push(`The model's spark was not usable (${failure(error)}): live, the offline templates would write this one.`);
  }
  return lines;
}

/** report-narrative: the narrative of the community's latest report week. */
export async function dryRunNarrative(providers: DryRunProviders, choice: PromptChoice, input: NarrativeInput): Promise<string[]> {
  const narrator = providers.narratorWith(choice);
  if (!narrator) return [offlineOnlyNote(choice.name, 'the report narrative')];
  const { current: c } = input;
  const lines = [`Week: ${c.period.label} · ${plural(c.activity.totalMessages, 'message')}, ${plural(c.questions.asked, 'question')}, ${plural(c.complaints.total, 'complaint')}`];
  try {
    lines.push(`Written by ${narrator.name}`, '', await narrator.narrate(input));
  } catch (error) {
    lines.push(`The model's narrative was not usable (${failure(error)}): live, the template would write it.`);
  }
  return lines;
}

/** Why a model-only prompt has nothing to dry-run when Jamii runs offline. */
export function offlineOnlyNote(name: string, what: string): string {
  return `Jamii runs the offline provider (JAMII_LLM=offline): ${name} is only used with the language model, and offline templates write ${what}. Nothing to try.`;
}

function failure(error: unknown): string {
  return error instanceof JamiiError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
