import { afterEach, describe, expect, it } from 'vitest';
import type { ProposedPost } from '../../src/core/post-service.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

/** News posts and sparks: drafts with no member message, posted top-level in a chat, once. */
describe.each(DATABASES)('proactive posts through the sandbox on %s', (database) => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const chatIdOf = async (t: TestJamii, chat: string): Promise<number> => {
    const map = await t.jamii.store.chats.ensure([{ ref: { platform: 'sandbox', chatId: chat } }], () => 'default');
    return [...map.values()][0]!.id;
  };

  const news = (chatId: number, overrides: Partial<ProposedPost> = {}): ProposedPost => ({
    communityId: 'default',
    chatId,
    kind: 'news',
    text: 'Delivery to Mombasa now takes one day. https://news.example/mombasa',
    language: 'en',
    reason: 'Matches topics: delivery, Mombasa',
    sources: [{ source: 'https://news.example/mombasa', heading: 'Example News › Faster delivery to Mombasa' }],
    details: { itemIds: [7] },
    promptName: 'news-offline',
    promptVersion: '1',
    provider: 'offline',
    mode: 'approve',
    dedupeKey: `news:${chatId}:7`,
    ...overrides,
  });

  const botPosts = async (t: TestJamii, chat: string) => (await t.messages(chat)).filter((m) => m.fromBot);

  it('holds a news post on the desk, and posts it top-level in the chat once when a manager approves', async () => {
    app = await startTestJamii({ database });
    const t = app;
    await t.post('general', 'alice', 'Good morning');
    const chatId = await chatIdOf(t, 'general');

    const draft = await t.jamii.posts.propose(news(chatId));
    expect(draft).toMatchObject({ kind: 'news', status: 'pending', messageId: null, targetChatId: chatId });
    // The same item in the same chat never makes a second draft.
    expect(await t.jamii.posts.propose(news(chatId, { text: 'Another take on the same story' }))).toBeNull();

    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card?.draftId === draft!.id)?.card, 15_000, 'the news card');
    expect(card.title).toBe(`#${draft!.id} News post · sandbox · general`);
    expect(card.body).toBe(news(chatId).text);
    expect(card.quoteAuthor).toBe('Jamii');
    expect(card.fields).toContainEqual({ label: 'Sources', value: 'https://news.example/mombasa › Example News › Faster delivery to Mombasa' });
    expect(card.actions.map((a: { id: string }) => a.id)).toEqual([`approve:${draft!.id}`, `edit:${draft!.id}`, `reject:${draft!.id}`]);
    expect(await botPosts(t, 'general')).toEqual([]);

    // A member who is not a manager cannot publish it.
    const refused = await t.action('alice', `approve:${draft!.id}`);
    expect(refused.reply.text).toMatch(/manager/i);
    expect(await t.jamii.store.drafts.statusOf(draft!.id)).toBe('pending');

    await t.post('desk', 'manager', `/approve ${draft!.id}`);
    const posted = await waitFor(async () => {
      const list = await botPosts(t, 'general');
      return list.length > 0 ? list : null;
    }, 15_000, 'the post in general');
    await new Promise((r) => setTimeout(r, 500));
    expect(await botPosts(t, 'general')).toHaveLength(1);
    expect(posted[0]).toMatchObject({ text: news(chatId).text, replyTo: null });

    const sent = await waitFor(async () => ((await t.jamii.store.drafts.statusOf(draft!.id)) === 'sent' ? true : null), 15_000, 'draft sent');
    expect(sent).toBe(true);
    const outbox = await t.jamii.store.outbox.findReplyForDraft(draft!.id);
    expect(outbox).toMatchObject({ kind: 'post', status: 'sent', platformMessageId: posted[0]!.id, replyToMessageId: null });
    // Approving again is refused as already decided.
    const again = await t.post('desk', 'manager', `/approve ${draft!.id}`);
    expect(again.status).toBe(201);
    const deskReplies = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && /already approved/.test(m.text)), 15_000, 'already decided reply');
    expect(deskReplies.text).toMatch(/the post is published/);
  });

  it('posts at once in auto mode, shows the desk an approved card, and renders a poll as numbered answers', async () => {
    app = await startTestJamii({ database });
    const t = app;
    await t.post('general', 'alice', 'Hi all');
    const chatId = await chatIdOf(t, 'general');

    const spark = await t.jamii.posts.propose({
      ...news(chatId),
      kind: 'spark',
      text: 'Quiet afternoon! A quick one:',
      poll: { question: 'Which delivery slot suits you best? ', options: [' Morning', 'Afternoon', 'Evening', ''] },
      reason: 'general is quiet: 0 messages in the last 2 hours, usually 14',
      sources: [],
      mode: 'auto',
      dedupeKey: `spark:${chatId}:2026-11-27T15`,
    });
    expect(spark).toMatchObject({ kind: 'spark', status: 'approved', decidedBy: 'jamii:auto', poll: { question: 'Which delivery slot suits you best?', options: ['Morning', 'Afternoon', 'Evening'] } });

    const posted = await waitFor(async () => (await botPosts(t, 'general'))[0], 15_000, 'the spark in general');
    expect(posted.text).toBe('Quiet afternoon! A quick one:\n\nWhich delivery slot suits you best?\n1. Morning\n2. Afternoon\n3. Evening');
    const card = await waitFor(async () => {
      const c = (await t.messages('desk')).find((m) => m.card?.draftId === spark!.id)?.card;
      return c?.status === 'sent' ? c : null;
    }, 15_000, 'the approved card');
    expect(card.actions).toEqual([]);
    expect(card.fields.find((f: { label: string }) => f.label === 'Status').value).toMatch(/^Approved by Jamii \(auto mode\) .* · posted$/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await botPosts(t, 'general')).toHaveLength(1);
  });

  it('holds a flagged post for an edit even in auto mode, and refuses a bad poll or a chat of another community with nothing stored', async () => {
    app = await startTestJamii({ database });
    const t = app;
    await t.post('general', 'alice', 'Hi all');
    const chatId = await chatIdOf(t, 'general');

    const flagged = await t.jamii.posts.propose(news(chatId, { mode: 'auto', flags: ['links to a site outside the item: https://evil.example'] }));
    expect(flagged?.status).toBe('pending');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card?.draftId === flagged!.id)?.card, 15_000, 'the flagged card');
    expect(card.actions.map((a: { id: string }) => a.id)).toEqual([`edit:${flagged!.id}`, `reject:${flagged!.id}`]);

    await expect(t.jamii.posts.propose(news(chatId, { dedupeKey: 'poll-1', poll: { question: 'One?', options: ['only'] } }))).rejects.toThrow(/2 to 10 answers/);
    await expect(t.jamii.posts.propose(news(chatId, { dedupeKey: 'poll-2', poll: { question: 'Twice?', options: ['Yes', 'yes'] } }))).rejects.toThrow(/same answer twice/);
    await expect(t.jamii.posts.propose(news(chatId, { dedupeKey: 'empty', text: '  ' }))).rejects.toThrow(/needs a text or a poll/);
    await expect(t.jamii.posts.propose(news(chatId + 1000, { dedupeKey: 'elsewhere' }))).rejects.toThrow(/not a chat of community default/);
    expect(await t.jamii.store.drafts.countPending(['default'])).toBe(1);

    // An edit clears the way; the edited text is what is posted.
    await t.post('desk', 'manager', `/edit ${flagged!.id} Delivery to Mombasa now takes one day.`);
    const posted = await waitFor(async () => (await botPosts(t, 'general'))[0], 15_000, 'the edited post');
    expect(posted.text).toBe('Delivery to Mombasa now takes one day.');
  });
});
