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
import { createFakeStore } from '../../../support/fakes.js';

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
