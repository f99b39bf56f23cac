/**
 * The composition root: builds every part from one validated Config, in a visible order, and
 * stops them in reverse. `main.ts` runs it as a process; tests run it in-process.
 */
import type { Logger as PinoLogger } from 'pino';
import { DEFAULT_REPORT_SETTINGS, type Config } from './config.js';
import { createAccess } from './core/access.js';
import { createWeeklyReports, templateNarrator, type WeeklyReports } from './core/analytics/weekly-report.js';
import { createApprovalService, type ApprovalService } from './core/approval-service.js';
import { createCommandDispatcher, type CommandDispatcher } from './core/commands/command-registry.js';
import { createCommunityDirectory, listedChats } from './core/communities.js';
import { createPeopleDirectory } from './core/people.js';
import { createDeliveryService } from './core/delivery-service.js';
import { createDraftingService } from './core/drafting-service.js';
import { createIngestService, type IngestService } from './core/ingest-service.js';
import { createPostService, type PostService } from './core/post-service.js';
import { createSparkService, type SparkService } from './core/sparks/spark-service.js';
import { DEFAULT_SPARK_SETTINGS } from './core/sparks/spark-types.js';
import { createPromptReplayService } from './core/prompts/prompt-replay.js';
import { createReminders } from './core/reminders.js';
import type { Clock, PlatformSender, Store } from './core/ports.js';
import type { Platform } from './core/types.js';
import { createSandboxConnector, type SandboxConnector } from './connectors/sandbox/sandbox-connector.js';
// Platform SDKs (discord.js, @slack/bolt, grammY) load only when their connector is configured:
// importing all three costs about a second of start time on a machine running the sandbox alone.
import type { TelegramConnector } from './connectors/telegram/telegram-connector.js';
import type { DiscordConnector } from './connectors/discord/discord-connector.js';
import type { SlackConnector } from './connectors/slack/slack-connector.js';
import { openDatabase, type Database } from './db/database.js';
import { installPgliteTemplate, SHIPPED_TEMPLATE_DIR } from './db/pglite-template.js';
import { createAnalyticsRepository } from './db/repositories/analytics-repository.js';
import { createEngagementRepository } from './db/repositories/engagement-repository.js';
import { createSparksRepository } from './db/repositories/sparks-repository.js';
import { createStore } from './db/store.js';
import { createHttpServer, type HttpServer } from './http/http-server.js';
import { createOpsRoutes } from './http/ops-routes.js';
import { createReportChartRoutes, REPORT_CHART_PATH, weekChartImage } from './http/report-chart-route.js';
import { createJobQueue, type JobQueue } from './jobs/job-queue.js';
import { createKnowledgeIndexer } from './knowledge/knowledge-indexer.js';
import { cleanLearnedAnswers } from './core/knowledge/learned-cleanup.js';
import { holdingReplyTemplates } from './llm/holding-replies.js';
import { draftJobExpirySeconds, messagesPerDraftJob, registerWorkers } from './jobs/workers.js';
import { callBudgetMs } from './llm/openai/chat.js';
import { createNews, type News } from './news/news.js';
import { labelMessage } from './llm/offline/heuristics.js';
import { createDryRunProviders } from './llm/dry-run-providers.js';
import { createPromptLibrary } from './llm/prompt-library.js';
import { createModelReportNarrator } from './llm/openai/report-narrator.js';
import { createModelSparkWriter } from './llm/openai/spark-writer.js';
import { loadPromptRegistry } from './llm/prompt-registry.js';
import { createLanguageProvider } from './llm/provider-factory.js';
import { createMetrics, type Metrics } from './observability/metrics.js';

export interface Jamii {
  config: Config;
  db: Database;
  store: Store;
  queue: JobQueue;
  metrics: Metrics;
  ingest: IngestService;
  commands: CommandDispatcher;
  approvals: ApprovalService;
  /** News posts and sparks: proposed to the desks, or posted at once in auto mode. */
  posts: PostService;
  /** Feeds polled and curated into news posts. */
  news: News;
  /** Discussion starters for quiet chats (the lull check the maintenance job runs, and /spark). */
  sparks: SparkService;
  reports: WeeklyReports;
  sandbox: SandboxConnector | null;
  telegram: TelegramConnector | null;
  discord: DiscordConnector | null;
  slack: SlackConnector | null;
  http: HttpServer;
  /** Where the HTTP server listens, once started. */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  log: PinoLogger;
  /** In-memory PGlite instead of the data dir (tests). */
  memoryDb?: boolean;
  /** With `memoryDb`: start from this dumped PGlite data directory. */
  pgliteTemplate?: Blob;
  clock?: Clock;
  /** Extra platform senders (tests plug in fakes). */
  senders?: PlatformSender[];
}

const systemClock: Clock = { now: () => new Date() };
/** Longest drafting waits for intake at each of its steps (ingest-service whenIdle). */
const INTAKE_FIRST_MAX_WAIT_MS = 50;

export async function startJamii(config: Config, options: StartOptions): Promise<Jamii> {
  const log = options.log;
  const clock = options.clock ?? systemClock;
  const started = Date.now();
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    for (const c of cleanups.reverse()) await c().catch((error: unknown) => log.error({ err: error }, 'shutdown.step_failed'));
    cleanups.length = 0;
  };

  try {
    // 1. Things that can fail fast without side effects.
    const prompts = loadPromptRegistry();
    const communities = createCommunityDirectory(config.communities);
    const metrics = createMetrics();

    // 2. Storage and durable work.
    const embeddingModel = config.llm.openai?.embeddingModel ?? null;
    const db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolMax: config.databasePoolMax,
      statementTimeoutMs: config.databaseStatementTimeoutSeconds * 1000,
      log,
      memory: options.memoryDb ?? false,
      vectors: embeddingModel !== null,
      ...(options.pgliteTemplate ? { pgliteLoadDataDir: options.pgliteTemplate } : {}),
      newDataDir: (dir) => installPgliteTemplate(SHIPPED_TEMPLATE_DIR, dir),
    });
    cleanups.push(() => db.close());
    // HTTP closes once the jobs have drained, just before the database: until then /healthz
    // answers 503 shutting_down to whatever routes traffic here (the server starts in step 6).
    let closeHttp: (() => Promise<void>) | null = null;
    cleanups.push(async () => closeHttp?.());
    const queue = await createJobQueue({
      db,
      log: log.child({ part: 'jobs' }),
      supervise: config.jobs.kinds.has('maintenance'),
      soleWorker: db.kind === 'pglite',
      expireInSeconds: { draft: draftJobExpirySeconds(config.llm.openai ? callBudgetMs(config.llm.openai) : null, config.jobs.draftConcurrency) },
    });
    // Stopping the queue waits for running handlers: it runs after the connectors stop, before HTTP and the database close.
    cleanups.push(() => queue.stop(config.shutdownTimeoutMs));
    const people = createPeopleDirectory(config.people);
    const store = createStore({
      db,
      communityOf: (p, id) => communities.communityOf(p, id),
      listedCommunityOf: (p, id) => communities.listedIn(p, id),
      enqueuerFor: (s) => queue.enqueuerFor(s),
      embeddingModel,
      people,
    });
    await store.communities.upsert(config.communities.map((c) => ({ id: c.id, name: c.name, language: c.language })));
    // A chat the communities file lists is that community's, whichever one it was first stored under.
    for (const { chat, from } of await store.chats.assignListed(listedChats(config.communities))) {
      log.info({ chat: chat.ref, from, to: chat.communityId }, 'chat.community_changed');
    }
    await store.roles.syncConfigured(
      config.communities.flatMap((c) => [
        ...c.managers.map((p) => ({ communityId: c.id, platform: p.platform, userId: p.userId, role: 'manager' as const })),
        ...c.admins.map((p) => ({ communityId: c.id, platform: p.platform, userId: p.userId, role: 'admin' as const })),
      ]),
    );

    // 3. The prompts in force (files, and each community's overrides), the language provider,
    // and the knowledge it drafts from (indexed before the first draft).
    const promptLibrary = createPromptLibrary({ files: prompts, versions: store.promptVersions, log: log.child({ part: 'prompts' }) });
    await promptLibrary.refresh();
    const stopPromptRefresh = promptLibrary.watch();
    cleanups.push(async () => stopPromptRefresh());
    const provider = createLanguageProvider(config, { prompts: promptLibrary, log: log.child({ part: 'llm' }), metrics });
    const indexer = createKnowledgeIndexer({
      store,
      folders: config.communities.map((c) => ({ communityId: c.id, dir: c.knowledgeDir })),
      provider,
      embeddingModel,
      log: log.child({ part: 'knowledge' }),
    });
    await indexer.syncAll();
    // Answers learned before the learning loop learned as it does now (a holding reply, a greeting naming the member) are cleaned before the first draft.
    await cleanLearnedAnswers({ store, holdingReplies: holdingReplyTemplates({ files: prompts, versions: store.promptVersions }), log: log.child({ part: 'knowledge' }) });
    const stopWatching = indexer.watch(config.knowledge.syncIntervalSeconds * 1000);
    cleanups.push(async () => stopWatching());

    // 4. The core.
    const senders = new Map<Platform, PlatformSender>();
    const access = createAccess({ roles: store.roles, audit: store.audit });
    const ingest = createIngestService({
      store,
      communities,
      labeler: (text, hint) => labelMessage(text, { fallbackLanguage: hint.communityLanguage }),
      metrics,
      clock,
      log,
      burstWindowSeconds: config.drafts.burstWindowSeconds,
      draftCandidates: config.drafts.candidates,
      messagesPerDraftJob: messagesPerDraftJob(provider.parallelism),
    });
    const drafting = createDraftingService({
      store,
      provider,
      communities,
      deskPlatforms: () => senders.keys(),
      metrics,
      clock,
      log: log.child({ part: 'drafting' }),
      burstWindowSeconds: config.drafts.burstWindowSeconds,
      reclassify: config.llm.provider !== 'offline',
      // On a server the database works in other processes and this thread is the bottleneck:
      // drafting steps aside while a batch of members' messages is being stored. On PGlite the
      // database shares this thread, and holding drafting back only idles it (measured: slower).
      // On both, a batch's drafts are written in time slices (core/time-slices.ts).
      intakeFirst: db.kind === 'postgres' ? () => ingest.whenIdle(INTAKE_FIRST_MAX_WAIT_MS) : undefined,
    });
    const approvals = createApprovalService({ store, access, metrics, clock, log: log.child({ part: 'approvals' }) });
    const posts = createPostService({ store, communities, deskPlatforms: () => senders.keys(), clock, metrics, log: log.child({ part: 'posts' }) });
    const delivery = createDeliveryService({ store, senders, communities, metrics, clock, log: log.child({ part: 'delivery' }) });
    const dryRun = { store, communities, providers: createDryRunProviders(config, { library: promptLibrary, log: log.child({ part: 'llm' }) }), clock, log: log.child({ part: 'prompts' }) };
    const newsOf = (id: string) => config.communities.find((c) => c.id === id)?.news ?? null;
    const replays = createPromptReplayService({ ...dryRun, catalog: promptLibrary, deskPlatforms: () => senders.keys(), newsOf });
    const analytics = createAnalyticsRepository(db, people);
    const timeZoneOf = (id: string) => config.communities.find((c) => c.id === id)?.reports.timeZone ?? 'UTC';
    const chartDeps = { repository: analytics, communities, timeZoneOf };
    const engagement = createEngagementRepository(db);
    // The chart link needs the address HTTP listens on (known in step 6) and a route serving it (the sandbox's).
    let chartBase: string | null = null;
    const reports = createWeeklyReports({
      repository: analytics,
      store,
      communities,
      deskPlatforms: () => senders.keys(),
      scheduleOf: (id) => config.communities.find((c) => c.id === id)?.reports ?? DEFAULT_REPORT_SETTINGS,
      narrator: config.llm.openai
        ? createModelReportNarrator({ options: config.llm.openai, prompts: promptLibrary, log: log.child({ part: 'llm' }) })
        : templateNarrator,
      chartUrl: (communityId, week) => (chartBase ? `${chartBase}${REPORT_CHART_PATH}?community=${encodeURIComponent(communityId)}&week=${week}` : null),
      chartImage: (communityId, week) => weekChartImage(chartDeps, communityId, week),
      engagement,
      clock,
      log: log.child({ part: 'reports' }),
    });
    const news = createNews(config, { prompts: promptLibrary, store, posts, communities, deskPlatforms: () => senders.keys(), clock, metrics, log: log.child({ part: 'news' }) });
    await news.poller.syncConfigured();
    const sparks = createSparkService({
      repository: createSparksRepository(db),
      posts,
      communities,
      platforms: () => senders.keys(),
      settingsOf: (id) => config.communities.find((c) => c.id === id)?.sparks ?? DEFAULT_SPARK_SETTINGS,
      timeZoneOf,
      writer: config.llm.openai ? createModelSparkWriter({ options: config.llm.openai, prompts: promptLibrary, log: log.child({ part: 'llm' }) }) : undefined,
      clock,
      log: log.child({ part: 'sparks' }),
    });
    const commands = createCommandDispatcher({
      services: {
        store,
        clock,
        approvals,
        posts,
        prompts: { catalog: promptLibrary, dryRun, communities, newsOf, reports },
        analytics: { repository: analytics, clock, timeZoneOf, engagement },
        news: news.commandServices,
        sparks: { service: sparks },
      },
      access,
      audit: store.audit,
      log: log.child({ part: 'commands' }),
      communities,
    });

    // 5. Connectors.
    let sandbox: SandboxConnector | null = null;
    if (config.sandbox.enabled) {
      const staff = new Set(config.communities.flatMap((c) => [...c.managers, ...c.admins]).flatMap((p) => (p.platform === 'sandbox' ? [p.userId] : [])));
      sandbox = createSandboxConnector({ db, ingest, commands, communities, staff, log: log.child({ connector: 'sandbox' }) });
      senders.set('sandbox', sandbox.sender);
    }
    let telegram: TelegramConnector | null = null;
    if (config.telegram) {
      const { createTelegramConnector } = await import('./connectors/telegram/telegram-connector.js');
      telegram = createTelegramConnector({ settings: config.telegram, store, ingest, commands, communities, log: log.child({ connector: 'telegram' }) });
      senders.set('telegram', telegram.sender);
    }
    let discord: DiscordConnector | null = null;
    if (config.discord) {
      const { token, applicationId, apiRoot, commandGuildId, managerRoleIds, adminRoleIds, manageServerIsManager } = config.discord;
      const settings = { token, applicationId, apiRoot, commandGuildId, roles: { managerRoleIds, adminRoleIds, manageServerIsManager } };
      const { createDiscordConnector } = await import('./connectors/discord/discord-connector.js');
      discord = createDiscordConnector({ settings, store, ingest, commands, communities, log: log.child({ connector: 'discord' }) });
      senders.set('discord', discord.sender);
    }
    let slack: SlackConnector | null = null;
    if (config.slack) {
      const { botToken, signingSecret, appToken, apiUrl, managerGroupId, adminGroupId } = config.slack;
      const settings = { botToken, signingSecret, appToken, apiUrl, groups: { managerGroupId, adminGroupId } };
      const { createSlackConnector } = await import('./connectors/slack/slack-connector.js');
      slack = createSlackConnector({ settings, store, ingest, commands, communities, log: log.child({ connector: 'slack' }) });
      senders.set('slack', slack.sender);
    }
    for (const s of options.senders ?? []) senders.set(s.platform, s);

    // 6. HTTP, then workers, then redelivery of anything the last run left behind.
    /** Set as a stop begins, before any part stops: /healthz answers 503 from then on. */
    let stopping = false;
    metrics.setGaugeReaders({
      pendingDrafts: () => store.drafts.countPending(config.communities.map((c) => c.id)),
      oldestPendingAgeSeconds: async () => {
        const at = await analytics.oldestPendingDraftAt();
        return at ? Math.max(0, (clock.now().getTime() - at.getTime()) / 1000) : 0;
      },
      outbox: () => store.outbox.countByStatus(),
      jobs: () => queue.backlog(),
      feedsFailing: () => store.feeds.countFailing(),
    });
    const http = createHttpServer({
      routes: [...createOpsRoutes({ ping: () => db.ping(), registry: metrics.registry, isStopping: () => stopping }), ...(sandbox?.routes ?? []), ...(sandbox ? createReportChartRoutes(chartDeps) : []), ...(telegram?.routes ?? []), ...(slack?.routes ?? [])],
      log: log.child({ part: 'http' }),
      allowedHosts: config.http.allowedHosts,
    });
    const address = await http.listen(config.http.host, config.http.port);
    if (sandbox) chartBase = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
    closeHttp = () => http.close();
    // Runs once the connectors have stopped: no new work comes in by HTTP either (the sandbox and
    // webhook routes answer 503) while the jobs drain; /healthz and /metrics still answer.
    cleanups.push(async () => {
      http.stopTakingWork();
      sandbox?.stop();
    });
    await registerWorkers({
      queue,
      kinds: config.jobs.kinds,
      draftConcurrency: config.jobs.draftConcurrency,
      draftBatchSize: provider.parallelism,
      sendConcurrency: config.jobs.sendConcurrency,
      drafting,
      delivery,
      approvals,
      replays,
      draftExpiryHours: config.drafts.expireAfterHours,
      reports,
      news,
      sparks,
      reminders: createReminders({
        store,
        communities,
        deskPlatforms: () => senders.keys(),
        clock,
        log: log.child({ part: 'reminders' }),
        afterMinutesOf: (id) => config.communities.find((c) => c.id === id)?.remindAfterMinutes ?? config.drafts.remindAfterMinutes,
      }),
      clock,
      log: log.child({ part: 'workers' }),
    });
    if (sandbox) await sandbox.start();
    if (telegram) {
      const connector = telegram;
      // Stops first on shutdown: polling ends (after storing the batch in hand) before HTTP, jobs and the database.
      cleanups.push(() => connector.stop());
      await connector.start();
    }
    if (discord) {
      const connector = discord;
      // Like Telegram: the gateway closes (after storing the events in hand) before HTTP, jobs and the database.
      cleanups.push(() => connector.stop());
      await connector.start();
    }
    if (slack) {
      const connector = slack;
      // Like Discord: the transport closes (after storing the events in hand) before HTTP, jobs and the database.
      cleanups.push(() => connector.stop());
      await connector.start();
    }

    const url = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
    log.info({ url, database: db.kind, sandbox: Boolean(sandbox), jobs: [...config.jobs.kinds], ms: Date.now() - started }, 'jamii.ready');

    let stopped: Promise<void> | null = null;
    return {
      config, db, store, queue, metrics, ingest, commands, approvals, posts, news, sparks, reports, sandbox, telegram, discord, slack, http, url,
      stop() {
        stopping = true;
        stopped ??= runCleanups().then(() => log.info({}, 'jamii.stopped'));
        return stopped;
      },
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}
