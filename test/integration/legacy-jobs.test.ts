/**
 * Jobs queued by an earlier version of Jamii, still waiting in pg-boss when the new version
 * starts, run as they would have: a draft job named one message (`messageId`) and a send job
 * one outbox row (`outboxId`); now they carry several (core/job-batches.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labelMessage } from '../../src/llm/offline/heuristics.js';
import { DATABASES } from '../support/databases.js';
import { inbound } from '../support/fakes.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

describe.each(DATABASES)('jobs queued by an earlier version (%s)', (database) => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('drafts the message of a draft job that named one message', async () => {
    app = await startTestJamii({ database });
    const text = 'Where can I download my invoice?';
    // Stored without a job of its own; the job comes as the earlier version wrote it.
    const [ref] = await app.jamii.store.messages.storeMany([{ inbound: inbound(text, { messageId: 'legacy-1' }), communityId: 'default', labels: labelMessage(text, { fallbackLanguage: 'en' }) }]);
    await app.jamii.store.transaction((tx) => tx.jobs.enqueue('draft', [{ messageId: ref!.id }]));
    const card = await waitFor(async () => (await app!.messages('desk')).find((m) => m.card)?.card, 15_000, 'the card');
    expect(card.quote).toBe(text);
  });

  it('sends the outbox row of a send job that named one row', async () => {
    app = await startTestJamii({ database });
    await app.jamii.store.transaction(async (tx) => {
      const row = await tx.outbox.insert({ kind: 'notice', target: { platform: 'sandbox', chatId: 'desk' }, replyToMessageId: null, text: 'queued before the upgrade', card: null, draftId: null, dedupeKey: 'test:legacy-send-job' });
      await tx.jobs.enqueue('send', [{ outboxId: row!.id }]);
    });
    const desk = await waitFor(async () => {
      const m = await app!.messages('desk');
      return m.length > 0 ? m : null;
    }, 10_000, 'the notice');
    expect(desk.map((m) => m.text)).toEqual(['queued before the upgrade']);
  });
});
