/**
 * SIGKILL while Telegram updates are being stored and while approved replies are being sent:
 * after a restart every update is stored once and every approved reply is posted once.
 * Jamii runs as a real process against the loopback fake Bot API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { buttonPress, buttonsOf, cardFor, groupMessage, MANAGER, MEMBER, startFakeTelegram, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';
import { waitFor } from '../support/harness.js';
import { runJamiiProcess, withJamiiOutput, type JamiiProcess } from '../support/process.js';

const QUESTIONS = Array.from({ length: 12 }, (_, i) => `Question number ${i + 1}: how do I register my farm for the co-op?`);

const running: JamiiProcess[] = [];
let fake: FakeTelegram | null = null;
let dir = '';
afterEach(async () => {
  for (const p of running.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const start = async (env: Record<string, string>) => {
  const p = await runJamiiProcess(env, { timeoutMs: 120_000 });
  running.push(p);
  return p;
};
/** waitFor, with the process's last log lines in the error. */
const waitIn = <T,>(p: JamiiProcess, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string) => withJamiiOutput(p, () => waitFor(probe, timeoutMs, what));
const kill = async (p: JamiiProcess) => {
  p.child.kill('SIGKILL');
  await p.exited;
  running.splice(running.indexOf(p), 1);
};

describe('Telegram crash safety (SIGKILL)', () => {
  it('stores every update once and posts every approved reply once across kills', async () => {
    fake = await startFakeTelegram();
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-tg-crash-'));
    // One send worker: the stalled reply below is the only send in flight when the process dies.
    const env = { ...telegramEnv(fake), JAMII_DATA_DIR: dir, JAMII_SEND_CONCURRENCY: '1', LOG_LEVEL: 'info' };
    const asked = QUESTIONS.map((q) => {
      const u = groupMessage(MEMBER, q, { threadId: 42 });
      fake!.push(u);
      return { text: q, messageId: u.message.message_id };
    });
    const lastUpdateId = fake.pending().at(-1)!.update_id;

    // Life 1: killed as soon as the first page of updates has been handed over.
    const first = await start(env);
    await waitFor(async () => fake!.callsOf('getUpdates').length > 0, 20_000, 'first getUpdates');
    await kill(first);

    // Life 2: everything is (re)delivered and stored once; one card per question.
    const second = await start(env);
    await waitIn(second, async () => fake!.confirmedOffset() > lastUpdateId, 90_000, 'updates confirmed');
    const cards = await waitIn(second, async () => {
      const found = QUESTIONS.map((q) => cardFor(fake!, MANAGER.id, q));
      return found.every(Boolean) ? found.map((c) => c!) : null;
    }, 120_000, 'a card for every question');
    for (const q of QUESTIONS) expect(fake.postsTo(MANAGER.id).filter((p) => p.payload.parse_mode === 'HTML' && p.text.includes(q))).toHaveLength(1);

    // Approve all; the fourth reply hangs at the API and the process dies with it in flight.
    const toGroup = (p: Record<string, any>) => Number(p.chat_id) === SUPERGROUP.id;
    let seen = 0;
    fake.stallNext('sendMessage', { when: (p) => toGroup(p) && ++seen === 4 });
    for (const card of cards) fake.push(buttonPress(MANAGER, card, buttonsOf(card).find((b) => b.startsWith('approve:'))!));
    await waitIn(second, async () => fake!.postsTo(SUPERGROUP.id).length >= 4, 90_000, 'replies in flight');
    await kill(second);

    // Life 3: the rest go out; nothing is posted twice.
    const third = await start(env);
    const replyTo = (messageId: number) => fake!.postsTo(SUPERGROUP.id).filter((p) => p.payload.reply_parameters?.message_id === messageId);
    await waitIn(third, async () => asked.every((a) => replyTo(a.messageId).length > 0), 120_000, 'a reply to every question');
    await new Promise((r) => setTimeout(r, 3000));
    for (const a of asked) expect(replyTo(a.messageId), a.text).toHaveLength(1);
    expect(fake.postsTo(SUPERGROUP.id)).toHaveLength(QUESTIONS.length);
    third.child.kill('SIGTERM');
    await third.exited;
    running.splice(running.indexOf(third), 1);

    const db = await openDatabase({ databaseUrl: undefined, dataDir: dir, memory: false, log: pino({ level: 'silent' }) });
    try {
      const stored = await db.sql.executeSql(`select m.platform_message_id from messages m join chats c on c.id = m.chat_id where c.platform_chat_id = '${SUPERGROUP.id}'`);
      expect(stored.rows.map((r: { platform_message_id: string }) => Number(r.platform_message_id)).sort()).toEqual(asked.map((a) => a.messageId).sort());
    } finally {
      await db.close();
    }
  }, 600_000);
});
