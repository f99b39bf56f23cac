/** Prometheus metrics on a registry of our own (no global default), via prom-client. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CoreMetrics } from '../core/ports.js';
import type { LanguageModelMetrics } from '../llm/fallback-provider.js';

export interface Metrics extends CoreMetrics, LanguageModelMetrics {
  registry: Registry;
  /** Where the live gauges read their values at scrape time. */
  setGaugeReaders(readers: Partial<GaugeReaders>): void;
}

export interface GaugeReaders {
  pendingDrafts: () => Promise<number>;
  /** Seconds the oldest pending draft has waited (0 when none). */
  oldestPendingAgeSeconds: () => Promise<number>;
  outbox: () => Promise<Record<string, number>>;
  jobs: () => Promise<Record<string, number>>;
  /** Active feeds whose last poll failed. */
  feedsFailing: () => Promise<number>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'jamii_process_' });
  const ingested = new Counter({ name: 'jamii_messages_ingested_total', help: 'Inbound messages stored (redeliveries not counted).', registers: [registry] });
  const drafts = new Counter({ name: 'jamii_drafts_created_total', help: 'Drafts created, by kind.', labelNames: ['kind'], registers: [registry] });
  const decisions = new Counter({ name: 'jamii_decisions_total', help: 'Manager decisions on drafts, by outcome.', labelNames: ['outcome'], registers: [registry] });
  const posts = new Counter({ name: 'jamii_posts_sent_total', help: 'Posts confirmed sent, by kind (reply, card, notice).', labelNames: ['kind'], registers: [registry] });
  const deferred = new Counter({
    name: 'jamii_posts_deferred_total',
    help: 'Posts handed back to the queue to go later, by platform and reason: busy (the chat is at its rate limit) or out_of_time (the send job used its time).',
    labelNames: ['platform', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'jamii_pipeline_latency_seconds',
    help: 'Time from a message arriving to a pipeline stage: stored (and labelled), draft_pending.',
    labelNames: ['stage'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const newsFailures = new Counter({
    name: 'jamii_news_failures_total',
    help: "News failures of one community, by stage: score (its new items could not be scored) or publish (a chat's slot could not be served). Retried on the next round.",
    labelNames: ['stage'],
    registers: [registry],
  });
  for (const kind of ['question', 'negative']) drafts.labels(kind).inc(0);
  for (const outcome of ['approved', 'edited', 'rejected']) decisions.labels(outcome).inc(0);
  for (const kind of ['reply', 'card', 'notice']) posts.labels(kind).inc(0);
  for (const stage of ['score', 'publish']) newsFailures.labels(stage).inc(0);
  // prom-client reads every metric in parallel, so each gauge collects its own value at scrape time.
  const readers: Partial<GaugeReaders> = {};
  new Gauge({
    name: 'jamii_drafts_pending',
    help: 'Drafts waiting for a decision.',
    registers: [registry],
    async collect() {
      if (readers.pendingDrafts) this.set(await readers.pendingDrafts());
    },
  });
  new Gauge({
    name: 'jamii_drafts_oldest_pending_age_seconds',
    help: 'How long the oldest draft waiting for a decision has waited (0 when none).',
    registers: [registry],
    async collect() {
      if (readers.oldestPendingAgeSeconds) this.set(await readers.oldestPendingAgeSeconds());
    },
  });
  new Gauge({
    name: 'jamii_outbox_posts',
    help: 'Outbox rows by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!readers.outbox) return;
      const counts = await readers.outbox();
      for (const status of ['pending', 'sending', 'sent', 'unconfirmed', 'failed']) this.labels(status).set(counts[status] ?? 0);
    },
  });
  new Gauge({
    name: 'jamii_jobs_queued',
    help: 'Durable jobs waiting, by queue.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      if (!readers.jobs) return;
      for (const [queue, n] of Object.entries(await readers.jobs())) this.labels(queue).set(n);
    },
  });
  new Gauge({
    name: 'jamii_feeds_failing',
    help: 'News feeds whose last poll failed (they are retried with back-off).',
    registers: [registry],
    async collect() {
      if (readers.feedsFailing) this.set(await readers.feedsFailing());
    },
  });
  const modelCalls = new Histogram({
    name: 'jamii_llm_call_seconds',
    help: 'Language model calls by operation (classify, draft, embed) and outcome (ok or the failure).',
    labelNames: ['operation', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40],
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'jamii_llm_fallbacks_total',
    help: 'Requests the offline provider answered instead of the model, by operation and cause.',
    labelNames: ['operation', 'cause'],
    registers: [registry],
  });
  return {
    registry,
    setGaugeReaders: (r) => Object.assign(readers, r),
    modelCall: (operation, outcome, seconds) => modelCalls.labels(operation, outcome).observe(seconds),
    fallback: (operation, cause) => fallbacks.labels(operation, cause).inc(),
    messageIngested: (n) => ingested.inc(n),
    draftCreated: (kind) => drafts.labels(kind).inc(),
    decision: (outcome) => decisions.labels(outcome).inc(),
    postSent: (kind) => posts.labels(kind).inc(),
    postDeferred: (platform, reason) => deferred.labels(platform, reason).inc(),
    pipelineLatency: (stage, seconds) => latency.labels(stage).observe(seconds),
    newsFailure: (stage) => newsFailures.labels(stage).inc(),
  };
}
