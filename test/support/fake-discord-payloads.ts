/**
 * Gateway payloads the fake Discord dispatches, shaped as Discord sends them: members' messages,
 * new threads, and interactions (slash commands, button presses, modal submits).
 */
import { FAKE_DISCORD, MEMBER, nextSnowflake, type DiscordPerson } from './fake-discord-server.js';

/** A new thread (a forum post's thread when `parentId` is a forum) as THREAD_CREATE carries it. */
export function threadCreate(parentId: string, name: string, id = nextSnowflake()) {
  return {
    id,
    type: 11,
    name,
    guild_id: FAKE_DISCORD.guildId,
    parent_id: parentId,
    owner_id: MEMBER.id,
    message_count: 0,
    member_count: 1,
    newly_created: true,
    applied_tags: [],
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
  };
}

/** A member's message in a channel (or thread) as MESSAGE_CREATE carries it. */
export function messageCreate(from: DiscordPerson, text: string, options: { channelId?: string; id?: string; replyTo?: string; bot?: boolean } = {}) {
  return {
    id: options.id ?? nextSnowflake(),
    channel_id: options.channelId ?? FAKE_DISCORD.channelId,
    guild_id: FAKE_DISCORD.guildId,
    type: options.replyTo ? 19 : 0,
    content: text,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    author: { id: from.id, username: from.username, global_name: null, discriminator: '0', avatar: null, ...(options.bot ? { bot: true } : {}) },
    member: { nick: null, roles: from.roles ?? [], joined_at: new Date().toISOString(), deaf: false, mute: false },
    ...(options.replyTo ? { message_reference: { message_id: options.replyTo, channel_id: options.channelId ?? FAKE_DISCORD.channelId, guild_id: FAKE_DISCORD.guildId } } : {}),
  };
}

function interactionBase(from: DiscordPerson, type: number, channelId: string) {
  return {
    id: nextSnowflake(),
    application_id: FAKE_DISCORD.applicationId,
    type,
    token: `interaction-token-${nextSnowflake()}`,
    version: 1,
    guild_id: FAKE_DISCORD.guildId,
    guild: { id: FAKE_DISCORD.guildId, locale: 'en-US', features: [] },
    channel_id: channelId,
    channel: { id: channelId, type: 0, guild_id: FAKE_DISCORD.guildId, name: 'jamii-desk' },
    member: {
      user: { id: from.id, username: from.username, global_name: null, discriminator: '0', avatar: null },
      roles: from.roles ?? [],
      nick: null,
      permissions: '0',
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: '0',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { 0: FAKE_DISCORD.guildId },
    context: 0,
    attachment_size_limit: 8_388_608,
  };
}

/** `/jamii <sub> [input]` as INTERACTION_CREATE carries it. */
export function slashCommand(from: DiscordPerson, sub: string, input?: string, channelId: string = FAKE_DISCORD.deskChannelId) {
  return {
    ...interactionBase(from, 2, channelId),
    data: { id: '930000000000000001', name: 'jamii', type: 1, options: [{ type: 1, name: sub, options: input === undefined ? [] : [{ type: 3, name: 'input', value: input }] }] },
  };
}

/** A button press on a message the bot posted. */
export function buttonPress(from: DiscordPerson, messageId: string, customId: string, channelId: string = FAKE_DISCORD.deskChannelId) {
  return {
    ...interactionBase(from, 3, channelId),
    message: { ...messageCreate({ id: FAKE_DISCORD.botUser.id, username: 'jamii' }, '', { channelId, id: messageId }), author: FAKE_DISCORD.botUser },
    data: { custom_id: customId, component_type: 2 },
  };
}

/** The Edit modal submitted with `text`. */
export function modalSubmit(from: DiscordPerson, customId: string, text: string, channelId: string = FAKE_DISCORD.deskChannelId) {
  return {
    ...interactionBase(from, 5, channelId),
    data: { custom_id: customId, components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value: text }] }] },
  };
}
