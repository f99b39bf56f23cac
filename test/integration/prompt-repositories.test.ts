/**
 * The prompt repositories on a real database: version numbers under concurrent saves, the
 * latest version per community and prompt, and the messages a replay reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { rows } from './prompt-support.js';

const entry = (name: string, body: string | null, communityId = 'default') => ({
  communityId,
  name,
  body,
  comment: null,
  createdBy: 'sandbox:ada',
  createdByName: 'Ada',
  rollbackOf: null,
});

describe.each(DATABASES)('prompt repositories on %s', (database) => {
  let t: TestJamii | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('numbers versions 1, 2, 3… per prompt even when admins save at once, and never overwrites one', async () => {
    t = await startTestJamii({ database });
    const { promptVersions } = t.jamii.store;
    const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => promptVersions.add(entry('offline-question', `## en\nv${i} {{member}}`))));
    expect(saved.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    await promptVersions.add(entry('offline-negative', null));
    const history = await promptVersions.history('default', 'offline-question');
    expect(history.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await promptVersions.get('default', 'offline-question', 7)).toBeNull();
    const latest = await promptVersions.latestAll();
    expect(latest.map((r) => [r.name, r.version, r.body === null])).toEqual([
      ['offline-negative', 1, true],
      ['offline-question', 6, false],
    ]);
    expect(latest[1]!.createdAt).toBeInstanceOf(Date);
  });

  it('hands a replay the members’ recent questions and complaints with their drafts, newest first', async () => {
    t = await startTestJamii({ database });
    await t.post('general', 'amina', 'How do I reset my password?');
    await t.post('general', 'bea', 'Good morning everyone');
    await t.post('general', 'chidi', 'This app is terrible, it crashed again!');
    await waitFor(async () => (await rows(t!, 'select id from drafts')).length >= 2, 15_000, 'two drafts');
    const { promptEvidence } = t.jamii.store;
    const found = await promptEvidence.replayCandidates('default', new Date(Date.now() - 86_400_000), 10);
    const texts = await rows<{ id: number; text: string }>(t, 'select id, text from messages order by id');
    const textOf = (id: number) => texts.find((m) => Number(m.id) === id)!.text;
    expect(found.map((c) => textOf(c.messageId))).toEqual(['This app is terrible, it crashed again!', 'How do I reset my password?']);
    expect(found.map((c) => c.draft?.kind)).toEqual(['negative', 'question']);
    expect(await promptEvidence.replayCandidates('default', new Date(Date.now() + 60_000), 10)).toEqual([]);
    const outcomes = await promptEvidence.draftOutcomes('default', 'offline-question', 10);
    expect(outcomes).toEqual([{ promptVersion: expect.stringMatching(/^1\+/), status: 'pending', originalText: expect.any(String), text: expect.any(String), decisionNote: null }]);
  });
});
