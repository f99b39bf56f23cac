/** Prometheus metrics on a registry of our own (no global default), via prom-client. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CoreMetrics } from '../core/ports.js';

export interface Metrics extends CoreMetrics {
  registry: Registry;
  /** Sets a gauge read at scrape time. */
  onScrape(collect: () => Promise<void>): void;
  gauges: { pendingDrafts: Gauge; outbox: Gauge<'status'>; jobs: Gauge<'queue'> };
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'jamii_process_' });
  const ingested = new Counter({ name: 'jamii_messages_ingested_total', help: 'Inbound messages stored (redeliveries not counted).', registers: [registry] });
  const drafts = new Counter({ name: 'jamii_drafts_created_total', help: 'Drafts created, by kind.', labelNames: ['kind'], registers: [registry] });
  const decisions = new Counter({ name: 'jamii_decisions_total', help: 'Manager decisions on drafts, by outcome.', labelNames: ['outcome'], registers: [registry] });
  const posts = new Counter({ name: 'jamii_posts_sent_total', help: 'Posts confirmed sent, by kind (reply, card, notice).', labelNames: ['kind'], registers: [registry] });
  const latency = new Histogram({
    name: 'jamii_pipeline_latency_seconds',
    help: 'Time from a message arriving to a pipeline stage: stored (and labelled), draft_pending.',
    labelNames: ['stage'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  for (const kind of ['question', 'negative']) drafts.labels(kind);
  for (const outcome of ['approved', 'edited', 'rejected']) decisions.labels(outcome);
  const collectors: Array<() => Promise<void>> = [];
  // Registered before the gauges it fills: prom-client collects in registration order.
  new Gauge({
    name: 'jamii_scrape_ok',
    help: '1 when the last scrape could read the database.',
    registers: [registry],
    async collect() {
      try {
        for (const c of collectors) await c();
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
  const pendingDrafts = new Gauge({ name: 'jamii_drafts_pending', help: 'Drafts waiting for a decision.', registers: [registry] });
  const outbox = new Gauge({ name: 'jamii_outbox_posts', help: 'Outbox rows by status.', labelNames: ['status'], registers: [registry] });
  const jobs = new Gauge({ name: 'jamii_jobs_queued', help: 'Durable jobs waiting, by queue.', labelNames: ['queue'], registers: [registry] });
  return {
    registry,
    gauges: { pendingDrafts, outbox, jobs },
    onScrape: (c) => collectors.push(c),
    messageIngested: (n) => ingested.inc(n),
    draftCreated: (kind) => drafts.labels(kind).inc(),
    decision: (outcome) => decisions.labels(outcome).inc(),
    postSent: (kind) => posts.labels(kind).inc(),
    pipelineLatency: (stage, seconds) => latency.labels(stage).observe(seconds),
  };
}
