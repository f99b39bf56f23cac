/**
 * Long text as an attached file: an admin sends a prompt as a .md document with the caption
 * `/prompt set NAME`, real grammY fetching it through getFile and the file download route of
 * the loopback fake Bot API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { MANAGER, MEMBER, privateDocument, startFakeTelegram, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let app: TestJamii;

beforeEach(async () => {
  fake = await startFakeTelegram();
  app = await startTestJamii({ env: telegramEnv(fake, { JAMII_ADMINS: `telegram:${MANAGER.id}` }) });
});

afterEach(async () => {
  await app.stop();
  await fake.close();
});

const VOICE = [
  '## en',
  'Karibu, {{member}}! Great question: the Duka team is on it and will answer you right here.',
  '',
  '## sw',
  'Karibu, {{member}}! Swali zuri: timu ya Duka inalifanyia kazi na itakujibu hapa hapa.',
].join('\n');

const latestReplyTo = (chatId: number) => fake.postsTo(chatId).at(-1)?.text ?? '';
const versions = async () => (await app.jamii.db.sql.executeSql(`select name, body from prompt_versions order by id`, [])).rows as Array<{ name: string; body: string }>;

describe('Telegram: a prompt sent as a file', () => {
  it('saves the attached text as a new version of the prompt', async () => {
    fake.addFile('doc-voice', VOICE);
    fake.push(privateDocument(MANAGER, '/prompt set offline-question', { fileId: 'doc-voice', fileName: 'voice.md', mimeType: 'text/markdown', size: Buffer.byteLength(VOICE) }));
    const reply = await waitFor(async () => (latestReplyTo(MANAGER.id).includes('saved') ? latestReplyTo(MANAGER.id) : null), 15_000, 'confirmation');
    expect(reply).toMatch(/^✅ offline-question v1 \(c1\+[0-9a-f]{7}\) saved and in force/);
    expect(await versions()).toEqual([{ name: 'offline-question', body: VOICE }]);
  });

  it('refuses a file that is not text, and one from a member who is not an admin, saving nothing', async () => {
    fake.addFile('doc-pdf', '%PDF-1.7 …');
    fake.push(privateDocument(MANAGER, '/prompt set offline-question', { fileId: 'doc-pdf', fileName: 'voice.pdf', mimeType: 'application/pdf', size: 12 }));
    await waitFor(async () => latestReplyTo(MANAGER.id).includes('Attach the text as a .md or .txt file.'), 15_000, 'refusal of a pdf');

    fake.addFile('doc-member', VOICE);
    fake.push(privateDocument(MEMBER, '/prompt set offline-question', { fileId: 'doc-member', fileName: 'voice.md', size: Buffer.byteLength(VOICE) }));
    await waitFor(async () => latestReplyTo(MEMBER.id).includes('Only an admin'), 15_000, 'refusal of a member');
    expect(await versions()).toEqual([]);
  });

  it('refuses a file over the size limit without downloading it', async () => {
    fake.push(privateDocument(MANAGER, '/prompt set offline-question', { fileId: 'doc-huge', fileName: 'huge.md', size: 5_000_000 }));
    await waitFor(async () => latestReplyTo(MANAGER.id).includes('larger than 64 kB'), 15_000, 'refusal of a large file');
    expect(fake.callsOf('getFile')).toEqual([]);
    expect(await versions()).toEqual([]);
  });
});
