/**
 * Replay: a candidate prompt version run over a community's recent questions and complaints,
 * side by side with a baseline (the version in force), without posting or storing a draft.
 * Runs as a durable job; progress and the report are posted to the desk as notices keyed by
 * the replay, so a retried job never posts the same notice twice. Where they go is decided when
 * the job runs, never read from it alone: a desk of the job's community, or the requesting
 * admin's private chat with the bot, else the community's desks.
 */
import type { CommunityDirectory } from '../communities.js';
import type { CommunityNewsSettings } from '../news/news-types.js';
import type { ChatRef, Labels, Platform, StoredMessage } from '../types.js';
import { runNewsReplay, type NewsReplayOutcome } from './news-replay.js';
import { choiceOf, dryDraft, labelSummary, type DryDraft, type DryRunDeps } from './prompt-dry-run.js';
import type { PromptCatalog, PromptVersionRecord, ReplayCandidate, ReplayJob } from './prompt-ports.js';
import { clipSample, closeness, closenessLine, type Closeness } from './replay-figures.js';
import { DAY_MS } from '../time.js';
import { queueDeskNotices } from '../desk-notices.js';
import { holds } from '../access.js';
import { plural } from '../plural.js';

export const REPLAY_DEFAULT_DAYS = 7;
export const REPLAY_MAX_DAYS = 90;
/** Messages one replay covers at most (the newest). */
export const REPLAY_MAX_MESSAGES = 200;
/** A progress notice after every this many messages. */
export const REPLAY_PROGRESS_EVERY = 25;
/** Differing drafts shown in the report. */
export const REPLAY_SAMPLES = 3;

export interface ReplayComparison {
  message: StoredMessage;
  baseline: DryDraft;
  candidate: DryDraft;
  /** The text a manager sent for this message, when one approved or edited its draft. */
  sent: string | null;
}

export interface ReplayReport extends Closeness {
  total: number;
  failed: number;
  differ: number;
  candidateDrafts: number;
  baselineDrafts: number;
  /** Candidate drafts written by the replayed prompt itself (others come from sibling prompts). */
  candidateUsed: number;
  labelChanges: Array<{ from: string; to: string; count: number }>;
  samples: ReplayComparison[];
}

const textOf = (d: DryDraft) => d.draft?.text ?? null;
const sentText = (c: ReplayCandidate) => (c.draft && ['approved', 'edited', 'sent'].includes(c.draft.status) ? c.draft.text : null);

/** The figures a report shows, from the comparisons (pure: unit-tested). */
export function summarizeReplay(name: string, comparisons: readonly ReplayComparison[], failed: number): ReplayReport {
  const differing = comparisons.filter((c) => textOf(c.baseline) !== textOf(c.candidate));
  const near = closeness(comparisons.map((c) => ({ candidate: textOf(c.candidate), baseline: textOf(c.baseline), sent: c.sent })));
  const changes = new Map<string, { from: string; to: string; count: number }>();
  for (const c of comparisons) {
    const from = labelSummary(c.baseline.labels);
    const to = labelSummary(c.candidate.labels);
    if (from === to) continue;
    const key = `${from}\u0000${to}`;
    changes.set(key, { from, to, count: (changes.get(key)?.count ?? 0) + 1 });
  }
  return {
    total: comparisons.length + failed,
    failed,
    differ: differing.length,
    candidateDrafts: comparisons.filter((c) => c.candidate.draft).length,
    baselineDrafts: comparisons.filter((c) => c.baseline.draft).length,
    candidateUsed: comparisons.filter((c) => c.candidate.draft?.result.promptName === name).length,
    ...near,
    labelChanges: [...changes.values()].sort((a, b) => b.count - a.count),
    samples: differing.slice(0, REPLAY_SAMPLES),
  };
}

const clip = (text: string | null) => clipSample(text, '(no draft)');

export function formatReplayReport(heading: string, name: string, report: ReplayReport): string {
  const lines = [heading];
  const n = report.total - report.failed;
  lines.push(`Drafts that would differ: ${report.differ} of ${n} (drafts written: candidate ${report.candidateDrafts}, baseline ${report.baselineDrafts}).`);
  if (name !== 'model-classify' && report.candidateUsed < report.candidateDrafts) {
    lines.push(`${name} itself wrote ${report.candidateUsed} of the candidate's drafts; the others came from its sibling prompts.`);
  }
  lines.push(closenessLine(report, 'messages'));
  lines.push(
    report.labelChanges.length === 0
      ? 'Labels: none would change.'
      : `Labels that would change: ${report.labelChanges.map((c) => `${c.from} → ${c.to} ×${c.count}`).join('; ')}.`,
  );
  if (report.samples.length > 0) {
    lines.push('Samples:');
    for (const s of report.samples) {
      lines.push(`• ${s.message.author.displayName}: "${clip(s.message.text)}"`, `   baseline: ${clip(textOf(s.baseline))}`, `   candidate: ${clip(textOf(s.candidate))}`);
    }
  }
  if (report.failed > 0) lines.push(`${plural(report.failed, 'message')} could not be drafted (see the logs).`);
  lines.push('Nothing was posted to members and no draft was stored.');
  return lines.join('\n');
}

export interface PromptReplayService {
  /** Replays a queued request and posts progress and the report to `job.origin` when it may read them (see {@link createPromptReplayService}), else the community's desks. */
  run(job: ReplayJob): Promise<ReplayReport | NewsReplayOutcome>;
}

export function createPromptReplayService(
  deps: DryRunDeps & {
    catalog: PromptCatalog;
    communities: CommunityDirectory;
    deskPlatforms: () => Iterable<Platform>;
    /** A community's news settings (topics, chats), for a replay of a news prompt. */
    newsOf?: ((communityId: string) => CommunityNewsSettings | null) | undefined;
  },
): PromptReplayService {
  const { store, catalog, communities, log } = deps;

  /**
   * True when `chat` is the requester's private chat with the bot as far as Jamii can tell now:
   * the command marked it so (jobs of earlier versions never are), it is on the requester's
   * platform, no community lists it, and the requester is still an admin of the community.
   */
  async function isRequestersPrivateChat(job: ReplayJob, chat: ChatRef): Promise<boolean> {
    const at = job.requestedBy.indexOf(':');
    if (job.originDirect !== true || at < 0 || job.requestedBy.slice(0, at) !== chat.platform) return false;
    if (communities.listedCommunitiesOf(chat.platform, chat.chatId).length > 0) return false;
    const grants = await store.roles.rolesOf(chat.platform, job.requestedBy.slice(at + 1));
    return grants.some((g) => g.communityId === job.communityId && holds(g.role, 'admin'));
  }

  /**
   * Where the job's notices go, checked when it runs: a job queued before /prompt replay kept
   * members' chats out names the chat it was typed in, which may be a members' one. Its origin
   * only when that is a desk of its community or the admin's private chat; otherwise its desks.
   */
  async function targetsOf(job: ReplayJob): Promise<ChatRef[]> {
    const desks = communities.desksOf(job.communityId, deps.deskPlatforms());
    const origin = job.origin;
    if (!origin) return desks;
    if (communities.desksAt(origin.platform, origin.chatId).some((c) => c.id === job.communityId)) return [origin];
    if (await isRequestersPrivateChat(job, origin)) return [origin];
    log.warn({ replayId: job.replayId, communityId: job.communityId, origin: `${origin.platform}:${origin.chatId}` }, 'prompt.replay.origin_refused');
    return desks;
  }

  const post = async (targets: ChatRef[], job: ReplayJob, step: string, text: string) => {
    await store.transaction((tx) => queueDeskNotices(tx, targets, text, `prompt-replay:${job.replayId}:${step}`));
  };

  const record = async (job: ReplayJob, version: number | null): Promise<PromptVersionRecord | null> =>
    version === null ? null : store.promptVersions.get(job.communityId, job.name, version);

  const headingOf = (job: ReplayJob, total: number, unit: string, versions: { candidate: string; baseline: string }) =>
    `🔁 Replay of ${job.name} over the last ${plural(job.days, 'day')} (${plural(total, unit)}): candidate ${versions.candidate} vs baseline ${versions.baseline}.`;
  const modelNote = (job: ReplayJob) =>
    catalog.usedBy(job.name) === 'model' && deps.providers.kind === 'offline' ? '\nNote: Jamii runs the offline provider (JAMII_LLM=offline), which never uses model prompts.' : '';

  return {
    async run(job) {
      const targets = await targetsOf(job);
      const [candidateRecord, baselineRecord] = await Promise.all([record(job, job.candidate), record(job, job.baseline)]);
      const candidateView = candidateRecord ? catalog.viewOf(candidateRecord) : catalog.fileDefault(job.name);
      const baselineView = baselineRecord ? catalog.viewOf(baselineRecord) : catalog.fileDefault(job.name);
      const versions = { candidate: candidateView.version, baseline: baselineView.version };
      if (catalog.purposeOf(job.name) === 'news') {
        const choices = { candidate: choiceOf(job.communityId, job.name, candidateRecord), baseline: choiceOf(job.communityId, job.name, baselineRecord) };
        // Items are scored 20 at a time: a notice each time the count passes a multiple of REPLAY_PROGRESS_EVERY.
        let reported = 0;
        const outcome = await runNewsReplay(deps, job, choices, async (done, of) => {
          const step = Math.floor(done / REPLAY_PROGRESS_EVERY) * REPLAY_PROGRESS_EVERY;
          if (step <= reported || done >= of) return;
          reported = step;
          await post(targets, job, `progress-${step}`, `⏳ Replay of ${job.name}: ${done} of ${of} ${job.name === 'news-score' ? 'feed item' : 'news post'}s done…`);
        });
        const text = [headingOf(job, outcome.total, outcome.unit, versions), ...outcome.lines, 'Nothing was posted to members and nothing was stored.'].join('\n');
        await post(targets, job, 'report', text + modelNote(job));
        log.info({ replayId: job.replayId, prompt: job.name, communityId: job.communityId, total: outcome.total, differ: outcome.differ }, 'prompt.replay.done');
        return outcome;
      }
      const candidate = deps.providers.providerWith(choiceOf(job.communityId, job.name, candidateRecord));
      const baseline = deps.providers.providerWith(choiceOf(job.communityId, job.name, baselineRecord));

      const since = new Date(deps.clock.now().getTime() - job.days * DAY_MS);
      const found = await store.promptEvidence.replayCandidates(job.communityId, since, REPLAY_MAX_MESSAGES);
      const messages = new Map((await store.messages.getMany(found.map((c) => c.messageId))).map((m) => [m.id, m]));
      const classifies = job.name === 'model-classify';
      const comparisons: ReplayComparison[] = [];
      let failed = 0;
      for (const [index, c] of found.entries()) {
        const message = messages.get(c.messageId);
        if (!message) continue;
        try {
          // Only a classification prompt can change the labels: otherwise both sides share them.
          const shared: Labels | null = classifies ? null : (message.labels ?? (await dryDraft(deps, baseline, message)).labels);
          const [b, k] = [await dryDraft(deps, baseline, message, shared), await dryDraft(deps, candidate, message, shared)];
          comparisons.push({ message, baseline: b, candidate: k, sent: sentText(c) });
        } catch (error) {
          failed++;
          log.warn({ err: error, messageId: c.messageId, replayId: job.replayId }, 'prompt.replay.message_failed');
        }
        const done = index + 1;
        if (done % REPLAY_PROGRESS_EVERY === 0 && done < found.length) {
          await post(targets, job, `progress-${done}`, `⏳ Replay of ${job.name}: ${done} of ${plural(found.length, 'message')} done…`);
        }
      }
      const report = summarizeReplay(job.name, comparisons, failed);
      await post(targets, job, 'report', formatReplayReport(headingOf(job, report.total, 'message', versions), job.name, report) + modelNote(job));
      log.info({ replayId: job.replayId, prompt: job.name, communityId: job.communityId, total: report.total, differ: report.differ }, 'prompt.replay.done');
      return report;
    },
  };
}
