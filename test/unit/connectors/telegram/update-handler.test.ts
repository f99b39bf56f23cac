import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Api, RawApi } from 'grammy';
import type { Update } from 'grammy/types';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseUpdate } from '../../../../src/connectors/telegram/parse.js';
import { createUpdateHandler } from '../../../../src/connectors/telegram/update-handler.js';
import type { CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import { createCommunityDirectory } from '../../../../src/core/communities.js';
import type { IngestService } from '../../../../src/core/ingest-service.js';
import { cardKeyboard } from '../../../../src/connectors/telegram/render.js';
import { cardView } from '../../../../src/core/desk-cards.js';
import { createFakeCommands, createFakeCore, createFakeStore, invoker } from '../../../support/fakes.js';

const log = pino({ level: 'silent' });
const DESK_GROUP = '-1001234567890';

const fixture = (name: string) => (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../fixtures/telegram', name), 'utf8')) as { payload: Update }).payload;

describe('where a Telegram command was typed', () => {
  it('tells the core a private chat is the invoker’s alone, and a desk group is not', async () => {
    const origins: unknown[] = [];
    const commands = {
      dispatch: async (...args: unknown[]) => (origins.push(args[3]), { text: 'ok' }),
    } as unknown as CommandDispatcher;
    const handle = createUpdateHandler({
      api: {} as Api<RawApi>,
      store: createFakeStore(),
      ingest: {} as IngestService,
      commands,
      // The manager's private chat is a desk too, as each Telegram manager's is.
      communities: createCommunityDirectory([{ id: 'kilimo', name: 'Kilimo', language: 'en', isDefault: true, chats: {}, desk: { telegram: [DESK_GROUP, '1001'] } }]),
      me: () => ({ id: '999', username: 'jamii_test_bot' }),
      readDocument: async () => '',
    });
    for (const name of ['private-command-edit.json', 'group-command-addressed.json']) {
      const update = fixture(name);
      await handle(parseUpdate(update), update.update_id, log);
    }
    expect(origins).toEqual([
      { platform: 'telegram', chatId: '1001', direct: true },
      { platform: 'telegram', chatId: DESK_GROUP, direct: false },
    ]);
  });
});

describe('Post anyway on a Telegram card', () => {
  it('posts the held edit the card showed, and nothing once another manager replaced it', async () => {
    const core = createFakeCore();
    core.store.grant('telegram', '1001', 'alpha', 'manager');
    core.store.grant('telegram', '1002', 'alpha', 'manager');
    const answers: Array<{ text: string; show_alert: boolean }> = [];
    const commands = createFakeCommands(core);
    const handle = createUpdateHandler({
      api: { answerCallbackQuery: async (_id: string, a: { text: string; show_alert: boolean }) => (answers.push(a), true) } as unknown as Api<RawApi>,
      store: core.store,
      ingest: {} as IngestService,
      commands,
      communities: core.communities,
      me: () => ({ id: '777000111', username: 'jamii_test_bot' }),
      readDocument: async () => '',
    });
    const amina = invoker('1001', 'Amina', 'telegram');
    const bea = invoker('1002', 'Bea', 'telegram');
    /** Amina presses the button labelled `label` on the card as Telegram shows it. */
    const press = async (keyboard: ReturnType<typeof cardKeyboard>, label: string) => {
      const update = fixture('callback-approve.json');
      const data = keyboard.inline_keyboard.flat().find((b) => b.text === label)!;
      update.callback_query!.data = 'callback_data' in data ? data.callback_data : undefined;
      await handle(parseUpdate(update), update.update_id, log);
      return answers.at(-1)!;
    };
    const keyboardOf = async (id: number) => cardKeyboard(cardView((await core.store.drafts.get(id))!));
    const posted = () => [...core.store.state.outbox.values()].filter((p) => p.kind === 'reply').map((p) => p.text);

    const draft = core.store.seedDraft();
    await commands.dispatchText(amina, `/edit ${draft.id} Tickets: https://free-tickets.example.net/claim`);
    const aminaCard = await keyboardOf(draft.id);
    await commands.dispatchText(bea, `/edit ${draft.id} @everyone doors open at 9`);

    const outdated = await press(aminaCard, 'Post anyway');
    // The whole answer fits a Telegram alert: nothing was posted, why, and that the card is redrawn.
    expect(outdated).toEqual({ show_alert: true, text: `Draft #${draft.id}: nothing was posted. The held edit changed since this card was drawn (it is Bea's now); the card is refreshed: read it before pressing Post anyway again.` });
    expect(posted()).toEqual([]);

    const current = await press(await keyboardOf(draft.id), 'Post anyway');
    expect(current.text).toMatch(/edit confirmed by Amina despite its flags/);
    expect(posted()).toEqual(['@everyone doors open at 9']);
  });
});
