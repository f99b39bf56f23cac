/**
 * Replay: a candidate prompt version run over a community's recent questions and complaints,
 * side by side with a baseline (the version in force), without posting or storing a draft.
 * Runs as a durable job; progress and the report are posted to the desk as notices keyed by
 * the replay, so a retried job never posts the same notice twice.
 */
import type { CommunityDirectory } from '../communities.js';
import type { ChatRef, Labels, Platform, StoredMessage } from '../types.js';
import { choiceOf, dryDraft, labelSummary, type DryDraft, type DryRunDeps } from './prompt-dry-run.js';
import type { PromptCatalog, PromptVersionRecord, ReplayCandidate, ReplayJob } from './prompt-ports.js';
import { distance } from './prompt-quality.js';
import { normalizedEditDistance } from './text-distance.js';
import { DAY_MS } from '../time.js';
import { sendJobs } from '../job-batches.js';

export const REPLAY_DEFAULT_DAYS = 7;
export const REPLAY_MAX_DAYS = 90;
/** Messages one replay covers at most (the newest). */
export const REPLAY_MAX_MESSAGES = 200;
/** A progress notice after every this many messages. */
export const REPLAY_PROGRESS_EVERY = 25;
/** Differing drafts shown in the report. */
export const REPLAY_SAMPLES = 3;
const SAMPLE_CHARS = 160;

export interface ReplayComparison {
  message: StoredMessage;
  baseline: DryDraft;
  candidate: DryDraft;
  /** The text a manager sent for this message, when one approved or edited its draft. */
  sent: string | null;
}

export interface ReplayReport {
  total: number;
  failed: number;
  differ: number;
  candidateDrafts: number;
  baselineDrafts: number;
  /** Candidate drafts written by the replayed prompt itself (others come from sibling prompts). */
  candidateUsed: number;
  decided: number;
  meanDistance: { candidate: number | null; baseline: number | null };
  closer: number;
  farther: number;
  labelChanges: Array<{ from: string; to: string; count: number }>;
  samples: ReplayComparison[];
}

const textOf = (d: DryDraft) => d.draft?.text ?? null;
const sentText = (c: ReplayCandidate) => (c.draft && ['approved', 'edited', 'sent'].includes(c.draft.status) ? c.draft.text : null);
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The figures a report shows, from the comparisons (pure: unit-tested). */
export function summarizeReplay(name: string, comparisons: readonly ReplayComparison[], failed: number): ReplayReport {
  const differing = comparisons.filter((c) => textOf(c.baseline) !== textOf(c.candidate));
  const decided = comparisons.filter((c) => c.sent !== null);
  const candidateDistances: number[] = [];
  const baselineDistances: number[] = [];
  let closer = 0;
  let farther = 0;
  for (const c of decided) {
    const dc = normalizedEditDistance(textOf(c.candidate) ?? '', c.sent!);
    const db = normalizedEditDistance(textOf(c.baseline) ?? '', c.sent!);
    candidateDistances.push(dc);
    baselineDistances.push(db);
    if (dc < db) closer++;
    else if (dc > db) farther++;
  }
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
    decided: decided.length,
    meanDistance: { candidate: mean(candidateDistances), baseline: mean(baselineDistances) },
    closer,
    farther,
    labelChanges: [...changes.values()].sort((a, b) => b.count - a.count),
    samples: differing.slice(0, REPLAY_SAMPLES),
  };
}

const clip = (text: string | null) => {
  if (text === null) return '(no draft)';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SAMPLE_CHARS ? flat : `${flat.slice(0, SAMPLE_CHARS - 1)}…`;
};

export function formatReplayReport(heading: string, name: string, report: ReplayReport): string {
  const lines = [heading];
  const n = report.total - report.failed;
  lines.push(`Drafts that would differ: ${report.differ} of ${n} (drafts written: candidate ${report.candidateDrafts}, baseline ${report.baselineDrafts}).`);
  if (name !== 'model-classify' && report.candidateUsed < report.candidateDrafts) {
    lines.push(`${name} itself wrote ${report.candidateUsed} of the candidate's drafts; the others came from its sibling prompts.`);
  }
  if (report.decided > 0) {
    lines.push(
      `Closeness to what managers sent (${report.decided} decided; mean normalised edit distance, 0 = identical): candidate ${distance(report.meanDistance.candidate)}, baseline ${distance(report.meanDistance.baseline)}; candidate closer on ${report.closer}, farther on ${report.farther}.`,
    );
  } else {
    lines.push('No manager has decided on these messages yet, so there is nothing to measure closeness against.');
  }
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
  if (report.failed > 0) lines.push(`${report.failed} message${report.failed === 1 ? '' : 's'} could not be drafted (see the logs).`);
  lines.push('Nothing was posted to members and no draft was stored.');
  return lines.join('\n');
}

export interface PromptReplayService {
  /** Replays a queued request and posts progress and the report to the desk it was asked from. */
  run(job: ReplayJob): Promise<ReplayReport>;
}

export function createPromptReplayService(
  deps: DryRunDeps & { catalog: PromptCatalog; communities: CommunityDirectory; deskPlatforms: () => Iterable<Platform> },
): PromptReplayService {
  const { store, catalog, log } = deps;

  const post = async (job: ReplayJob, step: string, text: string) => {
    const targets: ChatRef[] = job.origin ? [job.origin] : deps.communities.desksOf(job.communityId, deps.deskPlatforms());
    await store.transaction(async (tx) => {
      const rows = await tx.outbox.insertMany(
        targets.map((target) => ({
          kind: 'notice' as const,
          target,
          replyToMessageId: null,
          text,
          card: null,
          draftId: null,
          dedupeKey: `prompt-replay:${job.replayId}:${step}:${target.platform}:${target.chatId}`,
        })),
      );
      await tx.jobs.enqueue('send', sendJobs(rows.map((r) => r.id)));
    });
  };

  const record = async (job: ReplayJob, version: number | null): Promise<PromptVersionRecord | null> =>
    version === null ? null : store.promptVersions.get(job.communityId, job.name, version);

  return {
    async run(job) {
      const [candidateRecord, baselineRecord] = await Promise.all([record(job, job.candidate), record(job, job.baseline)]);
      const candidateView = candidateRecord ? catalog.viewOf(candidateRecord) : catalog.fileDefault(job.name);
      const baselineView = baselineRecord ? catalog.viewOf(baselineRecord) : catalog.fileDefault(job.name);
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
          await post(job, `progress-${done}`, `⏳ Replay of ${job.name}: ${done} of ${found.length} messages done…`);
        }
      }
      const report = summarizeReplay(job.name, comparisons, failed);
      const heading = `🔁 Replay of ${job.name} over the last ${job.days} day${job.days === 1 ? '' : 's'} (${report.total} message${report.total === 1 ? '' : 's'}): candidate ${candidateView.version} vs baseline ${baselineView.version}.`;
      const kindNote =
        catalog.usedBy(job.name) === 'model' && deps.providers.kind === 'offline' ? '\nNote: Jamii runs the offline provider (JAMII_LLM=offline), which never uses model prompts.' : '';
      await post(job, 'report', formatReplayReport(heading, job.name, report) + kindNote);
      log.info({ replayId: job.replayId, prompt: job.name, communityId: job.communityId, total: report.total, differ: report.differ }, 'prompt.replay.done');
      return report;
    },
  };
}
