/**
 * Names for ids: Slack events carry user and channel ids only. Looked up once (users.info,
 * conversations.info) and cached; a failed lookup leaves the id standing in and is tried again later.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import { describeSlackError } from './errors.js';

/** Names kept at most; the oldest go first. */
const NAMES_CACHED_MAX = 5000;

export interface SlackDirectory {
  userName(userId: string): Promise<string>;
  channelName(channelId: string): Promise<string | undefined>;
}

export function createSlackDirectory(deps: { client: webApi.WebClient; log: Logger }): SlackDirectory {
  const users = new Map<string, string>();
  const channels = new Map<string, string>();
  const remember = (map: Map<string, string>, key: string, value: string) => {
    if (map.size >= NAMES_CACHED_MAX) map.delete(map.keys().next().value!);
    map.set(key, value);
  };
  return {
    async userName(id) {
      const known = users.get(id);
      if (known) return known;
      try {
        const { user } = await deps.client.users.info({ user: id });
        const name = user?.profile?.display_name || user?.real_name || user?.name || id;
        remember(users, id, name);
        return name;
      } catch (error) {
        deps.log.debug({ user: id, why: describeSlackError(error) }, 'slack.user_lookup_failed');
        return id;
      }
    },
    async channelName(id) {
      const known = channels.get(id);
      if (known) return known;
      try {
        const { channel } = await deps.client.conversations.info({ channel: id });
        if (!channel?.name) return undefined;
        remember(channels, id, channel.name);
        return channel.name;
      } catch (error) {
        deps.log.debug({ channel: id, why: describeSlackError(error) }, 'slack.channel_lookup_failed');
        return undefined;
      }
    },
  };
}
