import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config.js';
import { classifyDiscordError, describeDiscordError } from '../../../../src/connectors/discord/errors.js';
import { DISCORD_COMMAND_DESCRIPTION_MAX_CHARS, DISCORD_COMMAND_MAX_OPTIONS } from '../../../../src/connectors/discord/limits.js';
import { renderCard, renderEditModal, renderText } from '../../../../src/connectors/discord/render.js';
import { jamiiCommandBody } from '../../../../src/connectors/discord/slash-commands.js';
import { COMMANDS } from '../../../../src/core/commands/command-registry.js';
import { coreCards } from '../../../contract/connector-contract.js';

const apiError = (status: number, code: number, url = 'https://discord.com/api/v10/channels/1/messages') =>
  new DiscordAPIError({ code, message: 'x' }, code, status, 'POST', url, { body: undefined, files: undefined });

describe('the /jamii slash command', () => {
  it('has one subcommand per core command, in the registry\'s order, within Discord\'s limits', () => {
    const [command] = jamiiCommandBody(COMMANDS) as Array<{ name: string; options: Array<{ name: string; description: string; options: Array<{ description: string }> }> }>;
    expect(command!.name).toBe('jamii');
    expect(command!.options.map((o) => o.name)).toEqual(COMMANDS.map((c) => c.name));
    // A 26th core command needs a second top-level command on Discord.
    expect(command!.options.length).toBeLessThanOrEqual(DISCORD_COMMAND_MAX_OPTIONS);
    for (const sub of command!.options) {
      expect(sub.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(sub.description.length).toBeLessThanOrEqual(DISCORD_COMMAND_DESCRIPTION_MAX_CHARS);
      for (const o of sub.options) expect(o.description.length).toBeLessThanOrEqual(DISCORD_COMMAND_DESCRIPTION_MAX_CHARS);
    }
    const byName = new Map(command!.options.map((o) => [o.name, o]));
    expect(byName.get('help')!.options).toEqual([]);
    expect(byName.get('pending')!.options).toEqual([{ type: 3, name: 'input', description: '[complaints|questions|posts]', required: false }]);
    expect(byName.get('edit')!.options).toHaveLength(1);
  });
});

describe('Discord rendering', () => {
  it('renders a pending card as an embed with Approve, Edit and Reject buttons in one row', () => {
    const part = renderCard(coreCards()[0]!.view);
    expect(part.embeds).toHaveLength(1);
    expect(part.components).toHaveLength(1);
    expect(part.components![0]!.components.map((b) => b.label)).toEqual(['Approve', 'Edit', 'Reject']);
  });

  it('escapes mention syntax on a card so a quoted @everyone stays text', () => {
    const view = { ...coreCards()[0]!.view, quote: 'hey @everyone <@&123>' };
    const quote = renderCard(view).embeds![0]!.fields![0]!.value;
    expect(quote).toBe('hey \\@everyone \\<\\@&123\\>');
  });

  it('splits a long reply at 2000 characters', () => {
    const parts = renderText('word '.repeat(900));
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.content!.length).toBeLessThanOrEqual(2000);
  });

  it('prefills the Edit modal with the draft text, cut to 4000 characters', () => {
    const modal = renderEditModal(12, 'x'.repeat(5000));
    expect(modal.custom_id).toBe('edit-modal:12');
    expect((modal.components[0] as { components: Array<{ value: string }> }).components[0]!.value).toHaveLength(4000);
  });
});

describe('Discord errors', () => {
  it('treats Missing Access and Unknown Channel as a channel gone, not retried', () => {
    for (const [status, code, reason] of [[403, 50001, 'forbidden'], [403, 50013, 'forbidden'], [404, 10003, 'unknown_channel']] as const) {
      const failure = classifyDiscordError(apiError(status, code));
      expect(failure.channelGone).toBe(reason);
      expect(failure.error.outcome).toBe('not_sent');
      expect(failure.error.retryable).toBe(false);
    }
  });

  it('treats a 5xx as maybe posted', () => {
    const failure = classifyDiscordError(new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.com/api/v10/channels/1/messages', { body: undefined, files: undefined }));
    expect(failure.error.outcome).toBe('unknown');
  });

  it('masks interaction tokens in descriptions', () => {
    const why = describeDiscordError(apiError(404, 10062, 'https://discord.com/api/v10/interactions/123/secret-token-abc/callback'));
    expect(why).not.toContain('secret-token-abc');
    expect(why).toContain('/interactions/123/***');
  });
});

describe('Discord configuration', () => {
  const base = { JAMII_DATA_DIR: '/nonexistent' };
  const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789';

  it('turns the connector on with the token and application id, the desk channel becoming the default community\'s desk', () => {
    const config = loadConfig({ ...base, DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '123456789012345678', JAMII_DISCORD_DESK_CHANNEL: '223456789012345678' }, '/nonexistent');
    expect(config.discord).toMatchObject({ applicationId: '123456789012345678', apiRoot: 'https://discord.com/api', commandGuildId: undefined });
    expect(config.communities[0]!.desk.discord).toBe('223456789012345678');
    expect(config.secrets).toContain(token);
    expect(config.sandbox.enabled).toBe(false);
  });

  it('is off without a token', () => {
    expect(loadConfig(base, '/nonexistent').discord).toBeNull();
  });

  it('names every missing or malformed Discord variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, DISCORD_TOKEN: token, JAMII_DISCORD_GUILD_ID: 'my-server', DISCORD_API_ROOT: 'ftp://x' }, '/nonexistent');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    for (const name of ['DISCORD_APPLICATION_ID', 'JAMII_DISCORD_GUILD_ID', 'DISCORD_API_ROOT']) expect(text).toContain(name);
  });
});
