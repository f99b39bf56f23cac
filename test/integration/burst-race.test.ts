/**
 * Two draft jobs of one member's burst running at the same moment (two workers, or two
 * processes) must still give one draft for the burst, on each real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftingService } from '../../src/core/drafting-service.js';
import type { Store } from '../../src/core/ports.js';
import type { Labels } from '../../src/core/types.js';
import type { Database } from '../../src/db/database.js';
import { createOfflineProvider } from '../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../src/llm/prompt-registry.js';
import { DATABASES } from '../support/databases.js';
import { createRecordingLogger, createRecordingMetrics, createTestCommunities } from '../support/fakes.js';
import { openTestStore } from '../support/harness.js';

const QUESTION: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['asks with a question mark'] };
const T0 = Date.now() - 60_000;

describe.each(DATABASES)('a burst drafted by two workers at once on %s', (kind) => {
  let db: Database;
  let store: Store;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, store, close } = await openTestStore(kind, { id: 'alpha', name: 'Alpha', language: 'en' }));
  });
  afterAll(() => close());

  it('makes one draft covering the burst, whichever job wins, and leaves nothing undrafted', async () => {
    const texts = ['hi team', 'my order is late?', 'where is it??'];
    const refs = await store.messages.storeMany(
      texts.map((text, i) => ({
        communityId: 'alpha',
        labels: i === 0 ? null : QUESTION,
        inbound: { chat: { platform: 'sandbox' as const, chatId: 'general' }, messageId: `b${i}`, author: { id: 'amina', displayName: 'Amina', isBot: false }, text, sentAt: new Date(T0 + i * 1000) },
      })),
    );
    const [, late, where] = refs.map((r) => r.id);
    const worker = () =>
      createDraftingService({
        store,
        provider: createOfflineProvider({ prompts: loadPromptRegistry() }),
        communities: createTestCommunities(),
        deskPlatforms: () => [],
        metrics: createRecordingMetrics(),
        clock: { now: () => new Date() },
        log: createRecordingLogger(),
        burstWindowSeconds: 5,
      });
    const outcomes = await Promise.all([worker().draftFor([late!]), worker().draftFor([where!])]);
    // A job that lost the race either had nothing left to do or asks to be run again.
    for (const o of outcomes) for (const f of o.failed) expect((f.error as { code?: string }).code).toBe('draft_conflict');
    const retried = await Promise.all(outcomes.filter((o) => o.failed.length > 0).map((o) => worker().draftFor(o.failed.map((f) => f.messageId))));
    const drafts = (await db.sql.executeSql(`select message_id::int8 as m, merged_message_ids from drafts order by id`, [])).rows as Array<{ m: string | number; merged_message_ids: Array<string | number> }>;
    const covered = drafts.flatMap((d) => [Number(d.m), ...d.merged_message_ids.map(Number)]).sort((a, b) => a - b);
    expect(covered).toEqual(refs.map((r) => r.id));
    expect(drafts).toHaveLength(1);
    expect(retried.flatMap((o) => o.created)).toEqual([]);
  });
});
