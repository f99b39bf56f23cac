/**
 * drafts.insertMany, outbox.insertMany and outbox.markSentMany on each real database: batches
 * go in as one array per column (unnest) and come back built from what was written, so what a
 * later read returns must equal what the insert returned — awkward texts, JSON, arrays, nulls —
 * and a card recorded as sent reports its draft only when the draft moved past what it showed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewDraft, NewOutboundPost, Store } from '../../src/core/ports.js';
import type { Labels } from '../../src/core/types.js';
import type { Database } from '../../src/db/database.js';
import { DATABASES } from '../support/databases.js';
import { openTestStore } from '../support/harness.js';

const LABELS: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['question mark'] };
const AWKWARD = ['He said "hi", then {left}', 'C:\\path and a \\" quote', 'NULL', 'line one\nline two', 'Привет 👍🏽 ¿Qué? a,b,(1,2)'];

describe.each(DATABASES)('drafts and outbox batches on %s', (kind) => {
  let db: Database;
  let store: Store;
  let close: () => Promise<void>;
  let seq = 0;

  beforeAll(async () => {
    ({ db, store, close } = await openTestStore(kind, { id: 'c1', name: 'C1', language: 'en' }));
  });
  afterAll(() => close());

  const storeMessages = async (n: number) => {
    const refs = await store.messages.storeMany(
      Array.from({ length: n }, () => ({
        communityId: 'c1',
        labels: LABELS,
        inbound: { chat: { platform: 'sandbox' as const, chatId: 'general' }, messageId: `m${++seq}`, author: { id: 'amina', displayName: 'Amina', isBot: false }, text: 'how do I pay?', sentAt: new Date() },
      })),
    );
    return refs.map((r) => r.id);
  };

  /** A member's message labelled a question (severity 0) or negative feedback of `severity`. */
  const labelled = async (severity: number) => {
    const [ref] = await store.messages.storeMany([
      {
        communityId: 'c1',
        labels: { language: 'en', isQuestion: severity === 0, isNegative: severity > 0, severity, reasons: ['x'] },
        inbound: { chat: { platform: 'sandbox', chatId: 'general' }, messageId: `l${++seq}`, author: { id: 'amina', displayName: 'Amina', isBot: false }, text: 'late again', sentAt: new Date() },
      },
    ]);
    return ref!.id;
  };

  const newDraft = (messageId: number, i: number, extra: Partial<NewDraft> = {}): NewDraft => ({
    messageId,
    communityId: 'c1',
    kind: i % 2 === 0 ? 'question' : 'negative',
    text: AWKWARD[i % AWKWARD.length]!,
    reason: `reason "${i}"`,
    language: 'en',
    promptName: 'reply',
    promptVersion: 'v1',
    provider: 'offline',
    model: i % 2 === 0 ? null : 'gpt-x',
    ...extra,
  });

  it('returns each new draft as a later read sees it, and skips a message that already has one', async () => {
    const ids = await storeMessages(4);
    const drafts = await store.drafts.insertMany([
      newDraft(ids[0]!, 0, { mergedMessageIds: [ids[1]!, ids[2]!], sources: [{ kind: 'knowledge', id: 'faq#1', title: 'Paying {x}' }] as never, flags: ['link: "evil"'] }),
      newDraft(ids[3]!, 1, { translation: 'tafsiri, "quoted"' }),
    ]);
    expect(drafts).toHaveLength(2);
    for (const d of drafts) {
      const read = await store.drafts.get(d.id);
      const { message: _m, target: _t, targetTitle: _tt, burst: _b, ...stored } = read as NonNullable<typeof read> & { burst?: unknown };
      expect(stored).toEqual(d);
    }
    expect(drafts[0]).toMatchObject({ status: 'pending', mergedMessageIds: [ids[1], ids[2]], flags: ['link: "evil"'], text: AWKWARD[0], originalText: AWKWARD[0] });
    expect(drafts[1]).toMatchObject({ translation: 'tafsiri, "quoted"', model: 'gpt-x', mergedMessageIds: [], sources: [], flags: [] });

    expect(await store.drafts.insertMany([newDraft(ids[0]!, 2)])).toEqual([]);
  });

  it('holds an edit on a pending draft only, and decides only while the text is the one the decider read', async () => {
    const [id] = await storeMessages(1);
    const [draft] = await store.drafts.insertMany([newDraft(id!, 0)]);
    const at = new Date('2025-03-01T09:30:00Z');
    const decide = (ifText: string) => store.drafts.decide(draft!.id, { status: 'approved', ifText, decidedBy: 'sandbox:bea', decidedByName: 'Bea', decidedAt: at });

    const held = await store.drafts.holdEdit(draft!.id, { text: '@everyone hi', flags: ['mass_mention: @everyone'], by: 'sandbox:alice', byName: 'Alice', at });

    expect(held).toMatchObject({ status: 'pending', text: '@everyone hi', originalText: draft!.text, flags: ['mass_mention: @everyone'], heldEdit: { by: 'sandbox:alice', byName: 'Alice', at } });
    expect(await store.drafts.get(draft!.id)).toMatchObject({ heldEdit: { by: 'sandbox:alice', byName: 'Alice', at } });
    expect(await decide(draft!.text)).toBeNull();
    expect(await decide('@everyone hi')).toMatchObject({ status: 'approved', text: '@everyone hi', heldEdit: { byName: 'Alice' } });
    expect(await store.drafts.holdEdit(draft!.id, { text: 'late', flags: [], by: 'sandbox:alice', byName: 'Alice', at })).toBeNull();
  });

  it('returns each new outbox row as a later read sees it, and skips a dedupe key already there', async () => {
    const [messageId] = await storeMessages(1);
    const [draft] = await store.drafts.insertMany([newDraft(messageId!, 0)]);
    const posts: NewOutboundPost[] = AWKWARD.map((text, i) => ({
      kind: i === 0 ? 'reply' : 'card',
      target: { platform: 'sandbox', chatId: i === 0 ? 'general' : 'desk', ...(i === 2 ? { threadId: 't"2' } : {}) },
      replyToMessageId: i === 0 ? 'm1' : null,
      text,
      card: i === 0 ? null : ({ draftId: draft!.id, title: `card ${text}`, status: 'pending', quoteLabel: 'Member a wrote', quoteFromBot: false, bodyLabel: 'Reply that would be posted', fields: [{ label: 'Text', value: text }], actions: [] } as never),
      poll: i === 3 ? { question: 'Which "one"?', options: ['a', 'b,c'] } : null,
      draftId: draft!.id,
      dedupeKey: `k:${draft!.id}:${i}`,
    }));
    const inserted = await store.outbox.insertMany(posts);
    expect(inserted).toHaveLength(AWKWARD.length);
    for (const post of inserted) expect(await store.outbox.get(post.id)).toEqual(post);
    expect(inserted[2]!.target.threadId).toBe('t"2');
    expect(inserted[3]!.poll).toEqual({ question: 'Which "one"?', options: ['a', 'b,c'] });

    expect(await store.outbox.insertMany([posts[1]!])).toEqual([]);
  });

  it('claims the pending cards of a batch once, returning each row as stored with its draft status', async () => {
    const ids = await storeMessages(2);
    const drafts = await store.drafts.insertMany(ids.map((id, i) => newDraft(id, i)));
    const card = { draftId: drafts[0]!.id, status: 'pending', quote: 'Où est "ma" commande ?', quoteLabel: 'Member a wrote', quoteFromBot: false, bodyLabel: 'Reply that would be posted', body: 'Bientôt — ¡sí!', fields: [{ label: 'Why', value: 'a, question' }], actions: [] } as never;
    const [c0, c1, notice] = await store.outbox.insertMany([
      { kind: 'card', target: { platform: 'sandbox', chatId: 'desk', threadId: 't 1' }, replyToMessageId: null, text: 'card 0', card, draftId: drafts[0]!.id, dedupeKey: 'claim:c0' },
      { kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, replyToMessageId: null, text: 'card 1', card: null, draftId: drafts[1]!.id, dedupeKey: 'claim:c1' },
      { kind: 'notice', target: { platform: 'sandbox', chatId: 'desk' }, replyToMessageId: null, text: 'a notice', card: null, draftId: null, dedupeKey: 'claim:n' },
    ]);
    await db.sql.executeSql(`update drafts set status = 'rejected' where id = $1`, [drafts[1]!.id]);

    // Only cards, and only to the platforms asked for.
    expect(await store.outbox.claimPendingCards([c0!.id, c1!.id, notice!.id], ['telegram'])).toEqual([]);
    const claimed = await store.outbox.claimPendingCards([c0!.id, c1!.id, notice!.id], ['sandbox', 'telegram']);
    expect(claimed.map((c) => c.id).sort((a, b) => a - b)).toEqual([c0!.id, c1!.id].sort((a, b) => a - b));
    for (const c of claimed) {
      const stored = (await store.outbox.get(c.id))!;
      expect(stored).toMatchObject({ status: 'sending', attempts: 1 });
      expect(stored.claimedAt).toBeInstanceOf(Date);
      expect(c).toEqual({ ...stored, draftStatus: c.id === c0!.id ? 'pending' : 'rejected', answersDeleted: false });
    }
    expect(claimed.find((c) => c.id === c0!.id)!.card).toEqual(card);
    // Claimed already: a second claim (another worker, a retry) gets nothing.
    expect(await store.outbox.claimPendingCards([c0!.id, c1!.id], ['sandbox'])).toEqual([]);
    expect((await store.outbox.get(notice!.id))!.status).toBe('pending');
  });

  it('lists pending drafts most urgent first (complaints by severity, then questions), and counts them by kind', async () => {
    const countsBefore = await store.drafts.countPendingByKind(['c1']);
    const [question, mild, angry] = [await labelled(0), await labelled(1), await labelled(3)];
    const made = await store.drafts.insertMany([newDraft(question, 0), newDraft(mild, 1), newDraft(angry, 1)].map((d, i) => ({ ...d, kind: i === 0 ? 'question' : 'negative' })));
    const ids = new Set(made.map((d) => d.id));
    const ours = (list: Array<{ id: number }>) => list.map((d) => d.id).filter((id) => ids.has(id));

    expect(ours(await store.drafts.listPending(['c1'], 1000))).toEqual([made[2]!.id, made[1]!.id, made[0]!.id]);
    expect(ours(await store.drafts.listPending(['c1'], 1000, ['question']))).toEqual([made[0]!.id]);
    expect(await store.drafts.listPending(['c1'], 1000, [])).toEqual([]);
    expect(await store.drafts.listPending([], 1000)).toEqual([]);
    const counts = await store.drafts.countPendingByKind(['c1']);
    expect(counts.negative).toBe((countsBefore.negative ?? 0) + 2);
    expect(counts.question).toBe((countsBefore.question ?? 0) + 1);
    expect(await store.drafts.countPendingByKind([])).toEqual({});
  });

  it('ranks and reminds a burst draft by its angriest message: a question followed by a severity-3 complaint is urgent', async () => {
    const [question, angry, mildId] = [await labelled(0), await labelled(3), await labelled(1)];
    const [burst, mild] = await store.drafts.insertMany([
      { ...newDraft(question, 0), kind: 'negative', mergedMessageIds: [angry] },
      { ...newDraft(mildId, 1), kind: 'negative' },
    ]);
    const ours = (list: Array<{ id: number }>) => list.map((d) => d.id).filter((id) => id === burst!.id || id === mild!.id);
    expect(ours(await store.drafts.listPending(['c1'], 1000))).toEqual([burst!.id, mild!.id]);
    // Past the urgent cutoff only: the burst is claimed, the mild complaint waits for the normal one.
    const claimed = await store.drafts.claimOverdue(['c1'], { before: new Date(Date.now() - 3_600_000), urgentBefore: new Date(Date.now() + 60_000) }, new Date(), 1000);
    expect(ours(claimed.flatMap((c) => c.drafts))).toEqual([burst!.id]);
  });

  it('claims every overdue reply draft for a reminder once, a severity-3 complaint by its own cutoff, most urgent first', async () => {
    const [q, angry, mildId] = [await labelled(0), await labelled(3), await labelled(1)];
    const [question, complaint, mild] = await store.drafts.insertMany([
      { ...newDraft(q, 0), kind: 'question' },
      { ...newDraft(angry, 1), kind: 'negative' },
      { ...newDraft(mildId, 1), kind: 'negative' },
    ]);
    const ours = new Set([question!.id, complaint!.id, mild!.id]);
    const at = (ms: number) => new Date(Date.now() + ms);
    const claim = (communityIds: string[], before: number, urgentBefore: number, detailed = 1000) =>
      store.drafts.claimOverdue(communityIds, { before: at(before), urgentBefore: at(urgentBefore) }, new Date(), detailed);
    const mine = (claimed: Awaited<ReturnType<typeof claim>>) => claimed.flatMap((c) => c.drafts.map((d) => d.id)).filter((id) => ours.has(id));

    expect(mine(await claim(['c1'], -3_600_000, -3_600_000))).toEqual([]);
    // Another community's reminders never claim these.
    expect(await claim(['other'], 60_000, 60_000)).toEqual([]);
    expect(await claim([], 60_000, 60_000)).toEqual([]);
    const urgent = await claim(['c1'], -3_600_000, 60_000);
    expect(mine(urgent)).toEqual([complaint!.id]);
    expect(urgent[0]!.drafts.find((d) => d.id === complaint!.id)!.message!.labels!.severity).toBe(3);
    // The rest at once, complaints first; only the first one in detail, all counted.
    const rest = await claim(['c1'], 60_000, 60_000, 1);
    expect(rest).toHaveLength(1);
    expect(rest[0]!.communityId).toBe('c1');
    expect(rest[0]!.total).toBeGreaterThanOrEqual(2);
    expect(rest[0]!.drafts).toHaveLength(1);
    expect(rest[0]!.drafts[0]!.kind).toBe('negative');
    const again = await claim(['c1'], 60_000, 60_000);
    expect(mine(again)).toEqual([]);
    const { rows } = await db.sql.executeSql(`select id from drafts where id = any($1::int8[]) and reminded_at is not null order by id`, [`{${[...ours].join(',')}}`]);
    expect(rows.map((r: { id: number | string }) => Number(r.id))).toEqual([...ours].sort((a, b) => a - b));

    // Two processes at once: each draft goes to one of them.
    const more = await Promise.all([labelled(0), labelled(0), labelled(0)]);
    const fresh = await store.drafts.insertMany(more.map((id, i) => ({ ...newDraft(id, i), kind: 'question' as const })));
    const inTx = () => store.transaction((tx) => tx.drafts.claimOverdue(['c1'], { before: at(60_000), urgentBefore: at(60_000) }, new Date(), 1000));
    const [a, b] = await Promise.all([inTx(), inTx()]);
    const got = [...a, ...b].flatMap((c) => c.drafts.map((d) => d.id)).filter((id) => fresh.some((f) => f.id === id));
    expect(got.sort((x, y) => x - y)).toEqual(fresh.map((f) => f.id).sort((x, y) => x - y));
  });

  it('leaves a draft whose message the member deleted out of reminders', async () => {
    const [kept, gone] = [await labelled(0), await labelled(0)];
    const [keptDraft, goneDraft] = await store.drafts.insertMany([
      { ...newDraft(kept, 0), kind: 'question' },
      { ...newDraft(gone, 0), kind: 'question' },
    ]);
    await store.messages.markDeleted({ platform: 'sandbox', chatId: 'general' }, [`l${seq}`], new Date());
    const claimed = await store.drafts.claimOverdue(['c1'], { before: new Date(Date.now() + 60_000), urgentBefore: new Date(Date.now() + 60_000) }, new Date(), 1000);
    const ids = claimed.flatMap((c) => c.drafts.map((d) => d.id));
    expect(ids).toContain(keptDraft!.id);
    expect(ids).not.toContain(goneDraft!.id);
  });

  it('keeps reminding of a burst draft, and sends its reply, while any of the burst’s messages stands', async () => {
    const [first, second] = await storeMessages(2);
    const [draft] = await store.drafts.insertMany([{ ...newDraft(first!, 0), kind: 'question', mergedMessageIds: [second!] }]);
    const [reply] = await store.outbox.insertMany([
      { kind: 'reply', target: { platform: 'sandbox', chatId: 'general' }, replyToMessageId: `m${seq - 1}`, text: 'Soon.', card: null, draftId: draft!.id, dedupeKey: `burst-deleted:${draft!.id}` },
    ]);
    // The member deleted the burst's first message only.
    await store.messages.markDeleted({ platform: 'sandbox', chatId: 'general' }, [`m${seq - 1}`], new Date(Date.now() - 60_000));
    const claimed = await store.drafts.claimOverdue(['c1'], { before: new Date(Date.now() + 60_000), urgentBefore: new Date(Date.now() + 60_000) }, new Date(), 1000);
    expect(claimed.flatMap((c) => c.drafts.map((d) => d.id))).toContain(draft!.id);
    expect(await store.outbox.claim(reply!.id)).toMatchObject({ status: 'sending', answersDeleted: false });
  });

  it('claims a reply with whether its member message was deleted since it was queued or last retried', async () => {
    const [messageId] = await storeMessages(1);
    const [draft] = await store.drafts.insertMany([newDraft(messageId!, 0)]);
    const [reply] = await store.outbox.insertMany([
      { kind: 'reply', target: { platform: 'sandbox', chatId: 'general' }, replyToMessageId: `m${seq}`, text: 'Soon.', card: null, draftId: draft!.id, dedupeKey: `deleted:${draft!.id}` },
    ]);
    const [card] = await store.outbox.insertMany([
      { kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, replyToMessageId: null, text: 'card', card: null, draftId: draft!.id, dedupeKey: `deleted-card:${draft!.id}` },
    ]);
    await store.messages.markDeleted({ platform: 'sandbox', chatId: 'general' }, [`m${seq}`], new Date(Date.now() - 60_000));
    expect(await store.outbox.claim(reply!.id)).toMatchObject({ status: 'sending', answersDeleted: true });
    expect(await store.outbox.claimPendingCards([card!.id], ['sandbox'])).toMatchObject([{ id: card!.id, answersDeleted: false }]);
    await store.outbox.markFailed(reply!.id, 'deleted');
    // A manager's /retry after the deletion posts it anyway.
    await store.outbox.requeue(reply!.id, new Date());
    expect(await store.outbox.claim(reply!.id)).toMatchObject({ status: 'sending', answersDeleted: false });
  });

  it('holds a row its chat refused until then, claims it again with the time kept, and forgets it on /retry', async () => {
    const [messageId] = await storeMessages(1);
    const [draft] = await store.drafts.insertMany([newDraft(messageId!, 0)]);
    const [reply] = await store.outbox.insertMany([
      { kind: 'reply', target: { platform: 'sandbox', chatId: 'general' }, replyToMessageId: 'm1', text: 'Soon.', card: null, draftId: draft!.id, dedupeKey: `wait:${draft!.id}` },
    ]);
    expect(reply!.waitUntil).toBeNull();
    expect(await store.outbox.claim(reply!.id)).toMatchObject({ status: 'sending', waitUntil: null });

    const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 45_000);
    await store.outbox.postpone(reply!.id, 'PostingLimitReached: 20 a minute', until);
    expect(await store.outbox.get(reply!.id)).toMatchObject({ status: 'pending', attempts: 1, waitUntil: until });
    // Only a row being sent is held: a pending one is left as it is.
    await store.outbox.postpone(reply!.id, 'again', new Date(until.getTime() + 60_000));
    expect((await store.outbox.get(reply!.id))!.waitUntil).toEqual(until);

    const claimed = await store.outbox.claim(reply!.id);
    expect(claimed).toMatchObject({ status: 'sending', attempts: 2, waitUntil: until });
    await store.outbox.markFailed(reply!.id, 'Forbidden');
    expect(await store.outbox.requeue(reply!.id, new Date())).toMatchObject({ status: 'pending', waitUntil: null });
    await store.outbox.claim(reply!.id);
    await store.outbox.release(reply!.id, 'timeout before sending');
    expect(await store.outbox.get(reply!.id)).toMatchObject({ status: 'pending', waitUntil: null });
  });

  it('reports a sent card whose draft moved past the status it showed, and no other', async () => {
    const ids = await storeMessages(3);
    const drafts = await store.drafts.insertMany(ids.map((id, i) => newDraft(id, i)));
    const cards = await store.outbox.insertMany(
      drafts.map((d) => ({ kind: 'card' as const, target: { platform: 'sandbox' as const, chatId: 'desk' }, replyToMessageId: null, text: 'card', card: null, draftId: d.id, dedupeKey: `card:${d.id}` })),
    );
    const claimed = await store.outbox.claimPendingCards(cards.map((c) => c.id), ['sandbox']);
    expect(claimed).toHaveLength(3);
    // Draft 0 is decided after its card was rendered pending; draft 1 is still pending; card 2 is a notice-like row with nothing shown.
    await db.sql.executeSql(`update drafts set status = 'rejected' where id = $1`, [drafts[0]!.id]);
    const at = new Date();
    const audit = { communityId: 'c1', actor: 'jamii', action: 'post.sent', subject: 'x', details: {} };
    const changed = await store.outbox.markSentMany([
      { id: cards[0]!.id, platformMessageId: 'p0', at, audit, shownDraftStatus: 'pending' },
      { id: cards[1]!.id, platformMessageId: 'p1', at, audit, shownDraftStatus: 'pending' },
      { id: cards[2]!.id, platformMessageId: 'p2', at, audit, shownDraftStatus: null },
    ]);
    expect(changed).toEqual([drafts[0]!.id]);
    for (const c of cards) expect((await store.outbox.get(c.id))!.status).toBe('sent');
  });
});
