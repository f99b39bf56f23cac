import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventHandler } from '../../../../src/connectors/discord/event-handler.js';
import { DISCORD_DEFER_AFTER_MS, type InteractionResponder } from '../../../../src/connectors/discord/interactions.js';
import type { DiscordEvent } from '../../../../src/connectors/discord/parse.js';
import type { CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import { createCommunityDirectory } from '../../../../src/core/communities.js';
import type { IngestService } from '../../../../src/core/ingest-service.js';
import type { CommandReply } from '../../../../src/core/types.js';
import { createFakeStore } from '../../../support/fakes.js';

const DESK = '900000000000000030';
const log = pino({ level: 'silent' });

function setup(dispatch: () => Promise<CommandReply>) {
  const calls: string[] = [];
  const responder: InteractionResponder = {
    reply: async (_i, text, ephemeral) => void calls.push(`reply${ephemeral ? ' (private)' : ''}: ${text}`),
    defer: async (_i, ephemeral) => void calls.push(`defer${ephemeral ? ' (private)' : ''}`),
    editReply: async (_i, text) => void calls.push(`edit: ${text}`),
    modal: async () => void calls.push('modal'),
    replaceWithPrivate: async (_i, text) => void calls.push(`private: ${text}`),
  };
  const commands = { dispatch, dispatchAction: dispatch, dispatchText: async () => null } as unknown as CommandDispatcher;
  const handle = createEventHandler({
    store: createFakeStore(),
    ingest: {} as IngestService,
    commands,
    communities: createCommunityDirectory([{ id: 'default', name: 'C', language: 'en', isDefault: true, chats: {}, desk: { discord: DESK } }]),
    responder,
    roleGrants: { observe: async () => undefined },
    botUserId: () => '700000000000000001',
    channelsOfGuild: () => [],
  });
  return { calls, handle };
}

const command = (name: string): DiscordEvent => ({
  kind: 'command',
  interaction: { id: '1', token: 't', applicationId: '2' },
  invoker: { platform: 'discord', userId: '800000000000000001', displayName: 'Amina' },
  roleIds: [],
  permissions: null,
  name,
  args: '',
  channel: { platform: 'discord', chatId: DESK },
  direct: false,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('answering Discord interactions within 3 seconds', () => {
  it('answers at once when the core is quick', async () => {
    const { calls, handle } = setup(async () => ({ text: 'No drafts are waiting.' }));
    await handle(command('pending'), log);
    expect(calls).toEqual(['reply: No drafts are waiting.']);
  });

  it('defers before the deadline when the core is slow, then edits the answer in', async () => {
    vi.useFakeTimers();
    let finish: (r: CommandReply) => void = () => undefined;
    const { calls, handle } = setup(() => new Promise((resolve) => (finish = resolve)));
    const done = handle(command('pending'), log);
    await vi.advanceTimersByTimeAsync(DISCORD_DEFER_AFTER_MS);
    expect(DISCORD_DEFER_AFTER_MS).toBeLessThan(3000);
    expect(calls).toEqual(['defer']);
    finish({ text: '2 drafts waiting.' });
    await done;
    expect(calls).toEqual(['defer', 'edit: 2 drafts waiting.']);
  });

  it('replaces a public deferral with a private answer when the slow answer is a refusal', async () => {
    vi.useFakeTimers();
    let finish: (r: CommandReply) => void = () => undefined;
    const { calls, handle } = setup(() => new Promise((resolve) => (finish = resolve)));
    const done = handle(command('pending'), log);
    await vi.advanceTimersByTimeAsync(DISCORD_DEFER_AFTER_MS);
    finish({ text: 'Only a manager can do that.', ephemeral: true });
    await done;
    expect(calls).toEqual(['defer', 'private: Only a manager can do that.']);
  });

  it('answers privately outside a desk channel', async () => {
    const { calls, handle } = setup(async () => ({ text: 'No drafts are waiting.' }));
    await handle({ ...command('pending'), channel: { platform: 'discord', chatId: '900000000000000010' } } as DiscordEvent, log);
    expect(calls).toEqual(['reply (private): No drafts are waiting.']);
  });
});

describe('where a Discord command was typed', () => {
  it('tells the core whether the channel is the invoker’s DM with the bot', async () => {
    const origins: unknown[] = [];
    const { handle } = setup(async (...args: unknown[]) => (origins.push(args[3]), { text: 'No drafts are waiting.' }));
    await handle(command('pending'), log);
    await handle({ ...command('pending'), channel: { platform: 'discord', chatId: '900000000000000090' }, direct: true } as DiscordEvent, log);
    expect(origins).toEqual([
      { platform: 'discord', chatId: DESK, direct: false },
      { platform: 'discord', chatId: '900000000000000090', direct: true },
    ]);
  });
});
