/** Fakes for the core's small ports: a clock that moves when told, a logger and metrics that record, jobs that are recorded. */
import type { Clock, CoreMetrics, JobEnqueuer, JobName, JobPayloads, Logger } from '../../../src/core/ports.js';
import type { DraftKind, OutboxKind } from '../../../src/core/types.js';

// ---------------------------------------------------------------- clock

export interface FakeClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export const T0 = '2025-03-01T09:30:00.000Z';

export function createFakeClock(start: Date | string = T0): FakeClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

// ---------------------------------------------------------------- logger

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export interface RecordingLogger extends Logger {
  entries: LogEntry[];
}

/** A logger that records every call (children share the record, with their bindings merged). */
export function createRecordingLogger(bindings: Record<string, unknown> = {}, entries: LogEntry[] = []): RecordingLogger {
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: { ...bindings, ...(obj as Record<string, unknown>) }, msg });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => createRecordingLogger({ ...bindings, ...more }, entries),
  };
}

// ---------------------------------------------------------------- metrics

export interface RecordingMetrics extends CoreMetrics {
  ingested: number;
  drafts: DraftKind[];
  decisions: string[];
  posts: OutboxKind[];
  deferred: string[];
  latencies: Array<{ stage: string; seconds: number }>;
  newsFailures: string[];
}

export function createRecordingMetrics(): RecordingMetrics {
  const m: RecordingMetrics = {
    ingested: 0,
    drafts: [],
    decisions: [],
    posts: [],
    deferred: [],
    latencies: [],
    newsFailures: [],
    messageIngested: (count) => {
      m.ingested += count;
    },
    draftCreated: (kind) => m.drafts.push(kind),
    decision: (outcome) => m.decisions.push(outcome),
    postSent: (kind) => m.posts.push(kind),
    postDeferred: (platform, reason) => m.deferred.push(`${platform}:${reason}`),
    pipelineLatency: (stage, seconds) => m.latencies.push({ stage, seconds }),
    newsFailure: (stage) => m.newsFailures.push(stage),
  };
  return m;
}

// ---------------------------------------------------------------- jobs

export interface RecordedJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Seconds the job is held back, when it is. */
  startAfterSeconds?: number;
}

export interface RecordingJobs extends JobEnqueuer {
  jobs: RecordedJob[];
  /** Payloads enqueued under `name`, in order. */
  of<N extends JobName>(name: N): Array<JobPayloads[N]>;
}

export function createRecordingJobs(jobs: RecordedJob[] = []): RecordingJobs {
  return {
    jobs,
    async enqueue(name, payloads, options) {
      const held = options?.startAfterSeconds !== undefined ? { startAfterSeconds: options.startAfterSeconds } : {};
      for (const payload of payloads) jobs.push({ name, payload, ...held } as RecordedJob);
    },
    of<N extends JobName>(name: N) {
      return jobs.filter((j) => j.name === name).map((j) => j.payload as JobPayloads[N]);
    },
  };
}
