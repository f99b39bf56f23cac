/**
 * Keeps each community's knowledge folder indexed: files are hashed, and only new or changed
 * ones are re-chunked (in one transaction per file, so a search never sees half a file);
 * deleted files leave the index. `watch` re-syncs on file-system events (debounced) and on a
 * timer, because events are not delivered on every file system (network mounts, some Docker
 * volumes).
 */
import { createHash } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LanguageProvider, Logger, Store } from '../core/ports.js';
import { knowledgeText } from './knowledge-text.js';
import { chunkDocument } from './markdown-chunker.js';

/** Files larger than this are skipped (a knowledge file is prose, not a data dump). */
export const KNOWLEDGE_FILE_MAX_BYTES = 1_000_000;
export const KNOWLEDGE_EXTENSIONS = ['.md', '.markdown', '.txt'];
/** Chunks embedded per request to the embeddings endpoint. */
export const EMBEDDING_BATCH_SIZE = 64;
/** Quiet time after a file-system event before re-syncing (editors write in several steps). */
const WATCH_DEBOUNCE_MS = 300;

export interface KnowledgeFolder {
  communityId: string;
  dir: string;
}

export interface SyncReport {
  communityId: string;
  indexed: string[];
  removed: string[];
  unchanged: number;
  skipped: Array<{ path: string; reason: string }>;
  chunks: number;
  embedded: number;
}

export interface KnowledgeIndexer {
  sync(folder: KnowledgeFolder): Promise<SyncReport>;
  syncAll(): Promise<SyncReport[]>;
  /** Embeds chunks that have no vector yet (no-op without an embeddings model). */
  embedPending(): Promise<number>;
  /** Re-syncs on changes; returns a function that stops watching. */
  watch(intervalMs: number): () => void;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && KNOWLEDGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => !rel.split('/').some((part) => part.startsWith('.')))
    .sort();
}

const emptyReport = (folder: KnowledgeFolder): SyncReport => ({ communityId: folder.communityId, indexed: [], removed: [], unchanged: 0, skipped: [], chunks: 0, embedded: 0 });

export function createKnowledgeIndexer(deps: {
  store: Store;
  folders: KnowledgeFolder[];
  provider?: LanguageProvider | undefined;
  embeddingModel?: string | null | undefined;
  log: Logger;
}): KnowledgeIndexer {
  const { store, log } = deps;
  let running: Promise<unknown> = Promise.resolve();
  const reportedMissing = new Set<string>();

  const indexFile = async (folder: KnowledgeFolder, rel: string, knownHash: string | undefined, report: SyncReport): Promise<void> => {
    const full = path.join(folder.dir, rel);
    const info = await stat(full);
    if (info.size > KNOWLEDGE_FILE_MAX_BYTES) {
      report.skipped.push({ path: rel, reason: `larger than ${KNOWLEDGE_FILE_MAX_BYTES} bytes` });
      return;
    }
    const content = knowledgeText(await readFile(full));
    const contentHash = createHash('sha256').update(content).digest('hex');
    if (knownHash === contentHash) {
      report.unchanged++;
      return;
    }
    const chunks = chunkDocument(rel, content);
    await store.transaction((tx) => tx.knowledge.replaceFile(folder.communityId, rel, contentHash, chunks));
    report.indexed.push(rel);
    report.chunks += chunks.length;
  };

  const sync = async (folder: KnowledgeFolder): Promise<SyncReport> => {
    const report = emptyReport(folder);
    const exists = existsSync(folder.dir);
    if (!exists && !reportedMissing.has(folder.dir)) {
      reportedMissing.add(folder.dir);
      log.info({ communityId: folder.communityId, dir: folder.dir }, 'knowledge.folder_missing: create it and add Markdown files to ground drafts in them');
    }
    const files = exists ? await listFiles(folder.dir) : [];
    const known = await store.knowledge.fileHashes(folder.communityId);
    for (const rel of files) {
      // One unreadable or unstorable file is skipped; the rest of the folder is still indexed.
      try {
        await indexFile(folder, rel, known.get(rel), report);
      } catch (error) {
        report.skipped.push({ path: rel, reason: `could not be indexed: ${(error as Error).message}` });
      }
    }
    const present = new Set(files);
    report.removed = [...known.keys()].filter((p) => !present.has(p));
    if (report.removed.length > 0) await store.transaction((tx) => tx.knowledge.removeFiles(folder.communityId, report.removed));
    for (const s of report.skipped) log.warn({ communityId: folder.communityId, path: s.path, reason: s.reason }, 'knowledge.file_skipped');
    if (report.indexed.length > 0 || report.removed.length > 0) {
      log.info({ communityId: folder.communityId, indexed: report.indexed.length, removed: report.removed.length, chunks: report.chunks }, 'knowledge.synced');
    }
    return report;
  };

  const embedPending = async (): Promise<number> => {
    const model = deps.embeddingModel;
    const embed = deps.provider?.embed;
    if (!model || !embed || !store.knowledge.vectors) return 0;
    let total = 0;
    for (;;) {
      const batch = await store.knowledge.chunksWithoutEmbedding(model, EMBEDDING_BATCH_SIZE);
      if (batch.length === 0) return total;
      const vectors = await embed(batch.map((c) => c.text));
      await store.knowledge.saveEmbeddings(model, batch.map((c, i) => ({ chunkId: c.id, embedding: vectors[i] ?? [] })));
      total += batch.length;
      if (batch.length < EMBEDDING_BATCH_SIZE) return total;
    }
  };

  // Syncs never overlap: a change during a sync queues one more.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = running.then(fn, fn);
    running = next.catch(() => undefined);
    return next;
  };

  const syncAll = () =>
    serial(async () => {
      const reports: SyncReport[] = [];
      for (const folder of deps.folders) {
        // A folder that cannot be read (or stored) does not stop the other communities' folders.
        try {
          reports.push(await sync(folder));
        } catch (error) {
          log.error({ err: error, communityId: folder.communityId, dir: folder.dir }, 'knowledge.folder_sync_failed');
          reports.push({ ...emptyReport(folder), skipped: [{ path: '.', reason: `the folder could not be synced: ${(error as Error).message}` }] });
        }
      }
      try {
        const embedded = await embedPending();
        if (reports[0]) reports[0].embedded = embedded;
      } catch (error) {
        // Retrieval still works on full text; the next sync tries again.
        log.warn({ err: error }, 'knowledge.embedding_failed');
      }
      return reports;
    });

  return {
    sync: (folder) => serial(() => sync(folder)),
    syncAll,
    embedPending,
    watch(intervalMs) {
      let timer: NodeJS.Timeout | null = null;
      const soon = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void syncAll().catch((error: unknown) => log.error({ err: error }, 'knowledge.sync_failed')), WATCH_DEBOUNCE_MS);
        timer.unref();
      };
      const watchers: FSWatcher[] = [];
      for (const folder of deps.folders) {
        if (!existsSync(folder.dir)) continue;
        try {
          watchers.push(watch(folder.dir, { recursive: true, persistent: false }, soon));
        } catch (error) {
          log.warn({ err: error, dir: folder.dir }, 'knowledge.watch_unavailable');
        }
      }
      const interval = setInterval(soon, intervalMs);
      interval.unref();
      return () => {
        clearInterval(interval);
        if (timer) clearTimeout(timer);
        for (const w of watchers) w.close();
      };
    },
  };
}
