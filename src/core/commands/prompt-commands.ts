/**
 * `/prompt`: admins tune the prompts of their community. Every change is a new version (who,
 * when, text, comment), nothing is overwritten; `rollback` makes a new version with an earlier
 * text. `test` and `replay` are dry runs: they draft as Jamii would, and post or store nothing.
 * It acts on one community: the one whose id comes first, else the only one in reach (see
 * `chooseCommunity`).
 */
import type { CommunityDirectory } from '../communities.js';
import { JamiiError } from '../errors.js';
import { parsePromptArgs, PROMPT_USAGE, type PromptArgs, type VersionRef } from '../prompts/prompt-arguments.js';
import { choiceOf, dryDraft, labelSummary, sampleMessage, type DryRunDeps } from '../prompts/prompt-dry-run.js';
import type { PromptCatalog, PromptChoice, PromptVersionRecord, PromptView } from '../prompts/prompt-ports.js';
import { PROMPT_COMMENT_MAX_CHARS } from '../prompts/prompt-ports.js';
import { formatQuality, qualityByVersion } from '../prompts/prompt-quality.js';
import { newsReplaySize } from '../prompts/news-replay.js';
import { REPLAY_MAX_MESSAGES } from '../prompts/prompt-replay.js';
import { unifiedDiff } from '../prompts/line-diff.js';
import { principalKey, type ChatRef, type CommandReply } from '../types.js';
import type { CommandContext, CommandServices, CommandSpec } from './command-registry.js';
import type { WeeklyReports } from '../analytics/weekly-report.js';
import type { CommunityNewsSettings } from '../news/news-types.js';
import { dryRunNarrative, dryRunNews, dryRunSpark, offlineOnlyNote } from '../prompts/post-prompt-dry-run.js';
import { pickChat } from './spark-commands.js';
import { DAY_MS } from '../time.js';
import { plural } from '../plural.js';

/** Drafts read to compute the quality figures of a prompt's versions. */
export const QUALITY_DRAFTS_MAX = 2_000;
/** Versions with figures shown by `/prompt show` without a version. */
const QUALITY_VERSIONS_SHOWN = 4;

/** What `/prompt` needs beyond the store: the catalogue, dry-run providers and the community directory. */
export interface PromptCommandServices {
  catalog: PromptCatalog;
  dryRun: DryRunDeps;
  communities: CommunityDirectory;
  /** A community's news settings (news prompts' dry runs); null when it has none. */
  newsOf?: ((communityId: string) => CommunityNewsSettings | null) | undefined;
  /** The latest report week's figures (report-narrative's dry runs). */
  reports?: Pick<WeeklyReports, 'narrativeInput'> | undefined;
}

interface Scope {
  communityId: string;
  services: CommandServices;
  prompts: PromptCommandServices;
  ctx: CommandContext;
}

function checkName(catalog: PromptCatalog, name: string): void {
  if (!catalog.names().includes(name)) throw new JamiiError('prompt_not_found', `There is no prompt "${name}". Prompts: ${catalog.names().join(', ')}.`);
}

async function recordOf(s: Scope, name: string, version: number): Promise<PromptVersionRecord> {
  const record = await s.services.store.promptVersions.get(s.communityId, name, version);
  if (record) return record;
  const history = await s.services.store.promptVersions.history(s.communityId, name);
  const known = history.length === 0 ? 'it has no override versions yet' : `its versions are 1 to ${history.length}`;
  throw new JamiiError('prompt_version_not_found', `${name} has no version ${version} in ${s.communityId}: ${known} (or file).`);
}

async function viewOf(s: Scope, name: string, ref: VersionRef | null): Promise<PromptView> {
  if (ref === null) return s.prompts.catalog.inForce(name, s.communityId);
  if (ref === 'file') return s.prompts.catalog.fileDefault(name);
  return s.prompts.catalog.viewOf(await recordOf(s, name, ref));
}

const describe = (v: PromptView) => (v.source === 'file' ? `${v.version} (file default)` : `${v.version} (override v${v.overrideVersion})`);

async function audit(s: Scope, action: string, name: string, details: Record<string, unknown> = {}): Promise<void> {
  await s.services.store.audit.write({
    communityId: s.communityId,
    actor: principalKey(s.ctx.invoker),
    action: `prompt.${action}`,
    subject: `prompt:${s.communityId}:${name}`,
    details: { displayName: s.ctx.invoker.displayName, ...details },
  });
}

/** How /prompt list heads each group of prompts. */
const PURPOSE_HEADINGS = { drafting: 'Replies to members', news: 'News posts', spark: 'Discussion starters', report: 'Weekly report' } as const;

async function list(s: Scope): Promise<CommandReply> {
  const { catalog } = s.prompts;
  const kind = s.prompts.dryRun.providers.kind;
  const line = (name: string) => {
    const view = catalog.inForce(name, s.communityId);
    const unused = catalog.usedBy(name) === 'model' && kind === 'offline' ? ' — unused: Jamii runs offline' : '';
    return `• ${name}: ${describe(view)}${unused}`;
  };
  const groups = (['drafting', 'news', 'spark', 'report'] as const).map((purpose) => ({ purpose, names: catalog.names().filter((n) => catalog.purposeOf(n) === purpose) }));
  const lines = groups.filter((g) => g.names.length > 0).flatMap((g) => [`${PURPOSE_HEADINGS[g.purpose]}:`, ...g.names.map(line)]);
  return { text: [`Prompts in force for ${s.communityId}:`, ...lines, 'See one with /prompt show NAME; change it with /prompt set NAME <text>.'].join('\n') };
}

async function show(s: Scope, name: string, ref: VersionRef | null): Promise<CommandReply> {
  const view = await viewOf(s, name, ref);
  const inForce = s.prompts.catalog.inForce(name, s.communityId);
  const history = await s.services.store.promptVersions.history(s.communityId, name);
  const record = view.overrideVersion === null ? null : history.find((r) => r.version === view.overrideVersion);
  // Scores and report narratives are not drafts a manager decides: they have no quality figures.
  const decided = !['news-score', 'report-narrative'].includes(name);
  const quality = decided ? qualityByVersion(await s.services.store.promptEvidence.draftOutcomes(s.communityId, name, QUALITY_DRAFTS_MAX)) : [];
  const shown = ref === null ? quality.slice(0, QUALITY_VERSIONS_SHOWN) : quality.filter((q) => q.version === view.version);
  const lines = [
    `${name} ${describe(view)}${view.version === inForce.version ? ' — in force' : ` — in force: ${inForce.version}`}`,
    ...(record ? [`Saved by ${record.createdByName} at ${record.createdAt.toISOString()}${record.comment ? ` — "${record.comment}"` : ''}${record.rollbackOf ? ` (rollback to ${record.rollbackOf})` : ''}`] : []),
    `History: ${history.length === 0 ? 'no overrides' : history.map((r) => `v${r.version}${r.body === null ? '=file' : ''}`).join(', ')}`,
    ...(decided
      ? ['Quality per version (from this community’s drafts, newest version first):', ...(shown.length === 0 ? ['  no drafts yet'] : shown.map((q) => `  ${formatQuality(q)}`))]
      : [`Quality per version: none (what ${name} writes is not a draft managers approve or reject).`]),
    '',
    view.body,
  ];
  await audit(s, 'show', name, { version: view.version });
  return { text: lines.join('\n') };
}

async function set(s: Scope, name: string, body: string, comment: string | null): Promise<CommandReply> {
  if (comment !== null && comment.length > PROMPT_COMMENT_MAX_CHARS) throw new JamiiError('text_too_long', `The comment is too long; the limit is ${PROMPT_COMMENT_MAX_CHARS} characters.`);
  s.prompts.catalog.validate(name, body);
  const record = await s.services.store.promptVersions.add({
    communityId: s.communityId,
    name,
    body,
    comment,
    createdBy: principalKey(s.ctx.invoker),
    createdByName: s.ctx.invoker.displayName,
    rollbackOf: null,
  });
  await s.prompts.catalog.refresh();
  const view = s.prompts.catalog.viewOf(record);
  await audit(s, 'set', name, { version: record.version, label: view.version, comment, chars: body.length });
  return {
    text: `✅ ${name} v${record.version} (${view.version}) saved and in force for ${s.communityId}.\nCompare: /prompt diff ${name} · try it: /prompt replay ${name} · undo: /prompt rollback ${name} ${record.version > 1 ? record.version - 1 : 'file'}`,
  };
}

async function diff(s: Scope, name: string, from: VersionRef | null, to: VersionRef | null): Promise<CommandReply> {
  const a = await viewOf(s, name, from ?? 'file');
  const b = await viewOf(s, name, to);
  const text = unifiedDiff(a.body, b.body, `${name} ${describe(a)}`, `${name} ${describe(b)}`);
  await audit(s, 'diff', name, { from: a.version, to: b.version });
  return { text: text === '' ? `No difference between ${describe(a)} and ${describe(b)} of ${name}.` : text };
}

async function rollback(s: Scope, name: string, ref: VersionRef): Promise<CommandReply> {
  const target = ref === 'file' ? null : await recordOf(s, name, ref);
  const body = target?.body ?? null;
  if (body !== null) s.prompts.catalog.validate(name, body);
  const record = await s.services.store.promptVersions.add({
    communityId: s.communityId,
    name,
    body,
    comment: null,
    createdBy: principalKey(s.ctx.invoker),
    createdByName: s.ctx.invoker.displayName,
    rollbackOf: ref === 'file' ? 'file' : `c${ref}`,
  });
  await s.prompts.catalog.refresh();
  const view = s.prompts.catalog.viewOf(record);
  await audit(s, 'rollback', name, { version: record.version, to: ref, label: view.version });
  return { text: `↩️ ${name} rolled back to ${ref === 'file' ? 'the file default' : `v${ref}`}: saved as v${record.version}, now in force: ${view.version}.` };
}

/** A note when the chosen prompt cannot have written what the dry run shows. */
function unusedNote(s: Scope, name: string): string {
  return s.prompts.catalog.usedBy(name) === 'model' && s.prompts.dryRun.providers.kind === 'offline'
    ? `\nNote: Jamii runs the offline provider (JAMII_LLM=offline), which never uses ${name}.`
    : '';
}

async function test(s: Scope, name: string, ref: VersionRef | null, sample: string): Promise<CommandReply> {
  const view = await viewOf(s, name, ref);
  const record = view.overrideVersion === null ? null : await recordOf(s, name, view.overrideVersion);
  const purpose = s.prompts.catalog.purposeOf(name);
  if (purpose !== 'drafting') return testPost(s, name, view, choiceOf(s.communityId, name, record), purpose, sample);
  if (sample === '') throw new JamiiError('bad_arguments', `The sample message is missing: /prompt test ${name} <a message a member might write>.`);
  const provider = s.prompts.dryRun.providers.providerWith(choiceOf(s.communityId, name, record));
  const outcome = await dryDraft(s.prompts.dryRun, provider, sampleMessage(s.communityId, sample, s.ctx.invoker.displayName));
  await audit(s, 'test', name, { version: view.version, sample: sample.slice(0, 200) });
  const lines = [`🧪 Dry run of ${name} ${describe(view)} — nothing was posted and no draft was stored.`];
  lines.push(`Labels: ${labelSummary(outcome.labels)} · ${outcome.labels.language}${outcome.labels.reasons.length ? ` · ${outcome.labels.reasons.join('; ')}` : ''}`);
  if (!outcome.draft) {
    lines.push('No draft: Jamii would not draft a reply to this message.');
  } else {
    const { result, text, flags } = outcome.draft;
    lines.push(`Drafted by ${result.provider}${result.model ? ` (${result.model})` : ''} · ${result.promptName} v${result.promptVersion}`);
    if (result.promptName !== name && name !== 'model-classify') lines.push(`(${name} was not used for this message: ${result.promptName} wrote the draft.)`);
    lines.push(`Why: ${result.reason}`);
    if ((result.sources ?? []).length > 0) lines.push(`Sources: ${result.sources!.map((x) => (x.heading ? `${x.source} › ${x.heading}` : x.source)).join('; ')}`);
    if (flags.length > 0) lines.push(`Would need an edit: ${flags.join('; ')}`);
    lines.push('', text);
  }
  return { text: lines.join('\n') + unusedNote(s, name) };
}

/** `/prompt test` of a prompt that writes posts: news (a sample item), sparks (a chat), the report narrative. */
async function testPost(s: Scope, name: string, view: PromptView, choice: PromptChoice, purpose: 'news' | 'spark' | 'report', sample: string): Promise<CommandReply> {
  const { providers, clock } = s.prompts.dryRun;
  const community = s.prompts.communities.get(s.communityId);
  let lines: string[];
  if (purpose === 'news') {
    if (sample === '') throw new JamiiError('bad_arguments', `The sample item is missing: /prompt test ${name} <headline>, then its summary on the next lines and its link.`);
    const news = s.prompts.newsOf?.(s.communityId) ?? null;
    lines = await dryRunNews(providers, choice, { community, topics: news?.topics ?? null, platforms: (news?.chats ?? []).map((c) => c.chat.platform), sample, now: clock.now() });
  } else if (providers.kind === 'offline') {
    // Only the model reads spark-model and report-narrative: nothing to gather for a dry run.
    lines = [offlineOnlyNote(name, purpose === 'spark' ? 'sparks' : 'the report narrative')];
  } else if (purpose === 'spark') {
    if (!s.services.sparks) throw new JamiiError('bad_arguments', 'Sparks are not available in this process.');
    const chats = await s.services.sparks.service.chats([s.communityId]);
    if (chats.length === 0) throw new JamiiError('chat_not_found', `${s.communityId} has no chat a spark could go to.`);
    // Any chat shows the voice; a named one (title or platform:id) shows what its own material gives.
    const chat = sample === '' ? chats[0]! : pickChat(chats, sample, s.ctx.origin);
    lines = await dryRunSpark(providers, choice, await s.services.sparks.service.material(chat), `${chat.title ?? chat.ref.chatId} (${chat.ref.platform}:${chat.ref.chatId})`);
  } else {
    if (!s.prompts.reports) throw new JamiiError('bad_arguments', 'Weekly reports are not available in this process.');
    lines = await dryRunNarrative(providers, choice, await s.prompts.reports.narrativeInput(s.communityId));
  }
  await audit(s, 'test', name, { version: view.version, sample: sample.slice(0, 200) });
  const note = purpose === 'news' ? unusedNote(s, name) : '';
  return { text: [`🧪 Dry run of ${name} ${describe(view)} — nothing was posted or stored.`, ...lines].join('\n') + note };
}

/**
 * Where a replay's progress and report go: the chat it was asked from when only managers read it
 * (a desk of the community, or the admin's private chat with the bot), else the community's desks
 * (null). Discord and Slack pass any channel a slash command is typed in, members' ones too.
 */
function replayReportChat(s: Scope): ChatRef | null {
  const origin = s.ctx.origin;
  if (!origin) return null;
  const ownDesk = s.prompts.communities.desksAt(origin.platform, origin.chatId).some((c) => c.id === s.communityId);
  return ownDesk || s.ctx.direct === true ? origin : null;
}

async function replay(s: Scope, name: string, ref: VersionRef | null, days: number): Promise<CommandReply> {
  const purpose = s.prompts.catalog.purposeOf(name);
  if (purpose !== 'drafting' && purpose !== 'news') {
    throw new JamiiError(
      'bad_arguments',
      `A replay rewrites the community's recent replies or news posts, which ${name} does not write (it writes ${purpose === 'spark' ? 'discussion starters' : "the weekly report's narrative"}). Try a version of it with /prompt test ${name}.`,
    );
  }
  const history = await s.services.store.promptVersions.history(s.communityId, name);
  const inForce = history.at(-1) ?? null;
  const inForceRef: number | null = inForce && inForce.body !== null ? inForce.version : null;
  const candidate: number | null = ref === null ? inForceRef : ref === 'file' ? null : (await recordOf(s, name, ref)).version;
  // Against the version in force; when the candidate is the one in force, against the one before it.
  let baseline: number | null = inForceRef;
  if (ref === null || candidate === inForceRef) {
    const previous = history.at(-2) ?? null;
    baseline = previous && previous.body !== null ? previous.version : null;
  }
  if (candidate === baseline) {
    return { text: `Nothing to compare: ${name} reads as its file default in ${s.communityId}. Set a new text first (/prompt set ${name} …), or name a version: /prompt replay ${name} VERSION.` };
  }
  const now = s.prompts.dryRun.clock.now();
  const period = `over the last ${plural(days, 'day')}`;
  let size: { count: number; unit: string };
  if (purpose === 'news') {
    size = await newsReplaySize(s.services.store, { communityId: s.communityId, name, days }, now);
    if (size.count === 0) return { text: `Nothing to replay: no ${size.unit}s in ${s.communityId} ${period}.` };
  } else {
    const found = await s.services.store.promptEvidence.replayCandidates(s.communityId, new Date(now.getTime() - days * DAY_MS), REPLAY_MAX_MESSAGES);
    if (found.length === 0) return { text: `Nothing to replay: no questions or complaints in ${s.communityId} ${period}.` };
    size = { count: found.length, unit: 'message' };
  }
  const replayId = `${s.prompts.dryRun.clock.now().getTime().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const reportTo = replayReportChat(s);
  await s.services.store.jobs.enqueue('prompt-replay', [
    { replayId, communityId: s.communityId, name, candidate, baseline, days, origin: reportTo, originDirect: reportTo !== null && s.ctx.direct === true, requestedBy: principalKey(s.ctx.invoker) },
  ]);
  const label = (v: number | null) => (v === null ? 'the file default' : `v${v}`);
  await audit(s, 'replay', name, { replayId, candidate, baseline, days, [`${size.unit.replace(' ', '_')}s`]: size.count });
  return {
    text: `🔁 Replaying ${name}: ${label(candidate)} (candidate) against ${label(baseline)} (baseline) on ${plural(size.count, size.unit)} from the last ${plural(days, 'day')}. Progress and the report will be posted ${reportTo ? 'here' : `to the desks of ${s.communityId}`}; nothing is posted to members and nothing is stored.`,
  };
}

async function run(s: Scope, args: Exclude<PromptArgs, { sub: 'list' }>): Promise<CommandReply> {
  checkName(s.prompts.catalog, args.name);
  switch (args.sub) {
    case 'show':
      return show(s, args.name, args.version);
    case 'set':
      return set(s, args.name, args.body, args.comment);
    case 'diff':
      return diff(s, args.name, args.from, args.to);
    case 'rollback':
      return rollback(s, args.name, args.version);
    case 'test':
      return test(s, args.name, args.version, args.sample);
    case 'replay':
      return replay(s, args.name, args.version, args.days);
  }
}

export const prompt: CommandSpec<PromptArgs> = {
  name: 'prompt',
  summary: `See, change, compare, roll back, test and replay the community's prompts (${PROMPT_USAGE.split('\n').length} subcommands; /prompt help)`,
  usage: '/prompt [community] list|show|set|diff|rollback|test|replay …',
  role: 'admin',
  oneCommunity: true,
  parse(args) {
    if (/^help\b/i.test(args.trim())) throw new JamiiError('bad_arguments', `Prompt commands:\n${PROMPT_USAGE}`);
    return parsePromptArgs(args);
  },
  async run(ctx, args, services) {
    const prompts = services.prompts;
    if (!prompts) throw new JamiiError('bad_arguments', 'Prompt tuning is not available in this process.');
    const scope: Scope = { communityId: ctx.communities[0]!, services, prompts, ctx };
    if (args.sub === 'list') {
      await audit(scope, 'list', '*');
      return list(scope);
    }
    return run(scope, args);
  },
};
