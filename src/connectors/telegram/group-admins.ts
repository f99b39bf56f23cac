/**
 * Optional: the administrators of a community's Telegram groups are its managers
 * (JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS). Grants are read with getChatAdministrators for every
 * active group a community lists itself (its desk group or one of its chats) and replace the
 * previous ones (source `telegram-admins`) as a whole, so someone who stops being an
 * administrator stops being a manager at the next refresh. A group no community lists grants
 * nothing: it falls to the default community, and anyone can add the bot to a group of their own.
 */
import type { Api, RawApi } from 'grammy';
import { deskChatIds, type CommunityDirectory } from '../../core/communities.js';
import type { Logger, RoleGrant, Store } from '../../core/ports.js';
import { describeTelegramError } from './errors.js';
import { idFromString, idToString, isGroupChatId } from './ids.js';

export const GROUP_ADMINS_SOURCE = 'telegram-admins';
/** How often the grants are read again, besides after membership changes. */
export const GROUP_ADMINS_REFRESH_MS = 10 * 60_000;
/** Several membership changes in a row cause one refresh. */
const REFRESH_DEBOUNCE_MS = 2_000;

export interface GroupAdminSync {
  /** Reads the administrators of every active group and replaces the grants. */
  refresh(): Promise<void>;
  /** Asks for a refresh soon (after the bot or an administrator changed in a group). */
  touch(): void;
  start(): void;
  /** Stops refreshing and waits for a refresh in progress. */
  stop(): Promise<void>;
}

export function createGroupAdminSync(deps: { api: Api<RawApi>; store: Store; communities: CommunityDirectory; log: Logger }): GroupAdminSync {
  const { api, store, communities, log } = deps;
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const read = async () => {
    const groups = (await store.chats.listActive('telegram')).flatMap((c) => {
      const listed = isGroupChatId(c.ref.chatId) ? communities.listedCommunitiesOf('telegram', c.ref.chatId) : [];
      return listed.length > 0 ? [{ chatId: c.ref.chatId, communityIds: listed }] : [];
    });
    const grants: RoleGrant[] = [];
    for (const group of groups) {
      try {
        const admins = await api.getChatAdministrators(idFromString(group.chatId));
        for (const a of admins) {
          if (a.user.is_bot) continue;
          for (const communityId of group.communityIds) grants.push({ communityId, platform: 'telegram', userId: idToString(a.user.id), role: 'manager' });
        }
      } catch (error) {
        // Without this group's list its administrators keep no grant until the next refresh.
        log.warn({ chat: group.chatId, why: describeTelegramError(error) }, 'telegram.admins_unavailable');
      }
    }
    await store.roles.syncSource(GROUP_ADMINS_SOURCE, grants);
    log.info({ groups: groups.length, managers: grants.length }, 'telegram.group_admins_synced');
  };

  const refresh = () => {
    running ??= read().finally(() => {
      running = null;
    });
    return running;
  };
  const safeRefresh = () => void refresh().catch((error: unknown) => log.error({ err: error }, 'telegram.group_admins_failed'));

  return {
    refresh,
    touch() {
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(safeRefresh, REFRESH_DEBOUNCE_MS);
      debounce.unref();
    },
    start() {
      const listed = communities.list().some((c) => [...(c.chats.telegram ?? []), ...deskChatIds(c, 'telegram')].some(isGroupChatId));
      if (!listed) log.warn({}, 'telegram.group_admins_unlisted: JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS is on, but no community lists a Telegram group (chats.telegram in the communities file, or a desk group): no group administrator is a manager');
      safeRefresh();
      timer = setInterval(safeRefresh, GROUP_ADMINS_REFRESH_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      timer = debounce = null;
      await running?.catch(() => undefined);
    },
  };
}
