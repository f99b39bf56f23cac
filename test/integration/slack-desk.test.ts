/**
 * The Slack desk end to end, the real Bolt App and WebClient against the loopback fake Slack
 * Web API, with Slack's requests signed and posted to Jamii's /slack/events: a question in a
 * channel becomes a Block Kit card in the desk channel, and the buttons, the Edit modal and
 * /jamii decide it. Requests Slack would not send (bad signature, stale, retried) are refused or dropped.
 */
import { describe, expect, it } from 'vitest';
import {
  blockAction,
  cardFor as cardIn,
  FAKE_SLACK,
  MANAGER,
  MEMBER,
  messageEvent,
  sendSigned,
  slashCommand,
  STRANGER,
  viewSubmission,
  type FakeSlack,
  type SlackCall,
} from '../support/fake-slack-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useSlackJamii } from '../support/platform-jamii.js';

let fake: FakeSlack;
let app: TestJamii;

useSlackJamii((f, a) => {
  fake = f;
  app = a;
});

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const buttonsOf = (post: SlackCall): string[] => (post.args.blocks ?? []).flatMap((b: any) => (b.type === 'actions' ? b.elements.map((e: any) => e.action_id) : []));
const cardFor = (quote: string) => cardIn(fake, quote);
const repliesIn = (channel: string) => fake.posts(channel).filter((p) => !p.args.blocks);

/** A member asks in the channel; resolves with the member's message ts, the card and the draft id. */
async function ask(text: string) {
  const event = messageEvent(MEMBER, text);
  const res = await sendSigned(app.url, event);
  expect(res.status).toBe(200);
  const card = await waitFor(async () => cardFor(text), 15_000, 'card in the desk channel');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1] ?? /edit:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  return { ts: event.event.ts as string, card, draftId };
}

describe('Slack manager desk', () => {
  it('posts the approved reply once, in the member\'s thread, escaped, unfurls off; the card then shows who decided', async () => {
    const { ts, card, draftId } = await ask('How do I reset my password on the app?');
    expect(card.args.blocks[0].text.text).toContain(`#${draftId}`);
    expect(JSON.stringify(card.args.blocks)).toContain('general');
    expect(buttonsOf(card)).toEqual([`approve:${draftId}`, `edit:${draftId}`, `reject:${draftId}`]);

    const press = blockAction(MANAGER, `approve:${draftId}`, { messageTs: card.ts! });
    const [first, second] = await Promise.all([sendSigned(app.url, press), sendSigned(app.url, blockAction(MANAGER, `approve:${draftId}`, { messageTs: card.ts! }))]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const reply = await waitFor(async () => repliesIn(FAKE_SLACK.channelId)[0], 15_000, 'reply in the thread');
    await settle();
    expect(repliesIn(FAKE_SLACK.channelId)).toHaveLength(1);
    expect(reply.args.thread_ts).toBe(ts);
    expect(reply.args.unfurl_links).toBe('false');
    expect(reply.args.unfurl_media).toBe('false');
    expect(reply.args.link_names).toBe('false');
    // The presser was told privately; the card was updated in place, buttons gone, decider named.
    expect(fake.callsTo('chat.postEphemeral').some((c) => c.args.user === MANAGER.id)).toBe(true);
    const update = await waitFor(async () => fake.callsTo('chat.update').filter((c) => c.args.ts === card.ts && JSON.stringify(c.args.blocks).includes('posted')).at(-1), 10_000, 'card updated');
    expect(buttonsOf(update)).toEqual([]);
    expect(JSON.stringify(update.args.blocks)).toContain(MANAGER.name);
  });

  it('records an approved reply whose answer Slack lost as sent once it finds it in the thread, with no desk notice', async () => {
    const { card, draftId } = await ask('Which branch is open late on Fridays?');
    fake.failNext('chat.postMessage', { status: 503, landed: true });
    await sendSigned(app.url, blockAction(MANAGER, `approve:${draftId}`, { messageTs: card.ts! }));
    const [row] = await waitFor(async () => {
      const { rows } = await app.jamii.db.sql.executeSql(`select status, platform_message_id as "messageId" from outbox where kind = 'reply' and draft_id = ${draftId}`);
      return (rows[0] as { status: string } | undefined)?.status === 'sent' ? (rows as Array<{ status: string; messageId: string }>) : undefined;
    }, 15_000, 'the reply recorded as sent');
    const replies = repliesIn(FAKE_SLACK.channelId);
    expect(replies).toHaveLength(1);
    expect(row!.messageId).toBe(replies[0]!.ts);
    await settle();
    expect(fake.posts(FAKE_SLACK.deskChannelId).filter((p) => /did not confirm/.test(p.args.text ?? ''))).toHaveLength(0);
    expect(repliesIn(FAKE_SLACK.channelId)).toHaveLength(1);
  });

  it('looks for an approved reply Slack answered internal_error for, and records it sent once it finds it: never posted twice', async () => {
    const { card, draftId } = await ask('Is the Kisumu branch open on Sundays?');
    fake.failNext('chat.postMessage', { error: 'internal_error', landed: true });
    await sendSigned(app.url, blockAction(MANAGER, `approve:${draftId}`, { messageTs: card.ts! }));
    await waitFor(async () => {
      const { rows } = await app.jamii.db.sql.executeSql(`select status from outbox where kind = 'reply' and draft_id = ${draftId}`);
      return (rows[0] as { status: string } | undefined)?.status === 'sent' || undefined;
    }, 15_000, 'the reply recorded as sent');
    await settle();
    expect(repliesIn(FAKE_SLACK.channelId)).toHaveLength(1);
    expect(fake.callsTo('conversations.replies').length).toBeGreaterThan(0);
  });

  it('hands an approved reply Slack rate-limits for long back to the outbox to wait, after one call: nothing posted, nothing held in memory', async () => {
    const { card, draftId } = await ask('Do you deliver to Nakuru?');
    fake.failNext('chat.postMessage', { retryAfter: 600 });
    await sendSigned(app.url, blockAction(MANAGER, `approve:${draftId}`, { messageTs: card.ts! }));
    const row = await waitFor(async () => {
      const { rows } = await app.jamii.db.sql.executeSql(`select status, extract(epoch from wait_until - now()) as "waitSeconds" from outbox where kind = 'reply' and draft_id = ${draftId}`);
      const found = rows[0] as { status: string; waitSeconds: number | null } | undefined;
      return found?.status === 'pending' && found.waitSeconds !== null ? found : undefined;
    }, 15_000, 'the reply waiting in the outbox');
    expect(Number(row.waitSeconds)).toBeGreaterThan(500);
    await settle();
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === FAKE_SLACK.channelId)).toHaveLength(1);
    expect(repliesIn(FAKE_SLACK.channelId)).toHaveLength(0);
  });

  it('opens the Edit modal prefilled with the draft (views.open with the trigger) and posts the submitted text', async () => {
    const { draftId, card } = await ask('Where can I find the delivery schedule?');
    await sendSigned(app.url, blockAction(MANAGER, `edit:${draftId}`, { messageTs: card.ts!, triggerId: 'trigger-edit-1' }));
    const open = await waitFor(async () => fake.callsTo('views.open')[0], 15_000, 'modal');
    expect(open.args.trigger_id).toBe('trigger-edit-1');
    expect(open.args.view.callback_id).toBe(`edit-modal:${draftId}`);
    const draft = await app.jamii.store.drafts.get(draftId);
    expect(open.args.view.blocks[0].element.initial_value).toBe(draft!.text);

    const submitted = await sendSigned(app.url, viewSubmission(MANAGER, `edit-modal:${draftId}`, 'The schedule is pinned in <#general> & on the board.'));
    expect(submitted.status).toBe(200);
    const reply = await waitFor(async () => repliesIn(FAKE_SLACK.channelId)[0], 15_000, 'edited reply');
    expect(reply.args.text).toBe('The schedule is pinned in &lt;#general&gt; &amp; on the board.');
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draftId)) === 'sent', 15_000, 'draft sent');
  });

  it('refuses a non-manager\'s button press ephemerally, audits it, and leaves the draft pending', async () => {
    const { draftId, card } = await ask('How do I change my delivery address?');
    await sendSigned(app.url, blockAction(STRANGER, `approve:${draftId}`, { messageTs: card.ts! }));
    const refusal = await waitFor(async () => fake.callsTo('chat.postEphemeral').find((c) => c.args.user === STRANGER.id), 15_000, 'refusal');
    expect(refusal.args.text).toContain('Only a manager');
    expect(refusal.args.channel).toBe(FAKE_SLACK.deskChannelId);
    expect(await app.jamii.store.drafts.statusOf(draftId)).toBe('pending');
    const audit = await app.jamii.db.sql.executeSql(`select actor from audit_log where action = 'access.refused'`, []);
    expect(audit.rows.map((a: { actor: string }) => a.actor)).toContain(`slack:${STRANGER.id}`);
    await settle();
    expect(repliesIn(FAKE_SLACK.channelId)).toHaveLength(0);
  });

  it('/jamii pending answers in the acknowledgement, one line per draft, without posting the cards again; /jamii reject decides', async () => {
    const { draftId } = await ask('How do I join the farmers group?');
    const before = fake.posts(FAKE_SLACK.deskChannelId).length;
    const res = await sendSigned(app.url, slashCommand(fake, MANAGER, 'pending'));
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.text);
    expect(answer.text).toContain(`#${draftId}`);
    expect(answer.response_type).toBe('in_channel');
    expect(answer.text).toContain(`/show ${draftId}`);
    await settle();
    expect(fake.posts(FAKE_SLACK.deskChannelId)).toHaveLength(before);

    const rejected = await sendSigned(app.url, slashCommand(fake, MANAGER, `reject ${draftId} off topic`));
    expect(rejected.status).toBe(200);
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draftId)) === 'rejected', 15_000, 'rejected');
  });

  it('refuses a bad signature and a stale timestamp with 401, and stores a retried or redelivered event once', async () => {
    const event = messageEvent(MEMBER, 'Is the market open on Sunday?');
    expect((await sendSigned(app.url, event, { secret: 'not-the-signing-secret-0000000000' })).status).toBe(401);
    expect((await sendSigned(app.url, event, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await settle(300);
    expect(await app.jamii.db.sql.executeSql(`select id from messages`, []).then((r) => r.rows)).toHaveLength(0);

    expect((await sendSigned(app.url, event)).status).toBe(200);
    const retried = await sendSigned(app.url, event, { retryNum: 1 });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-slack-no-retry')).toBe('1');
    expect((await sendSigned(app.url, event)).status).toBe(200);
    await waitFor(async () => cardFor('Is the market open on Sunday?'), 15_000, 'card');
    await settle();
    const stored = await app.jamii.db.sql.executeSql(`select id from messages where text = 'Is the market open on Sunday?'`, []);
    expect(stored.rows).toHaveLength(1);
    expect(fake.posts(FAKE_SLACK.deskChannelId).filter((p) => JSON.stringify(p.args.blocks).includes('market open'))).toHaveLength(1);
  });
});
