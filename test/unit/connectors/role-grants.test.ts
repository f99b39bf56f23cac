/**
 * Roles read from a platform (here Discord's; Slack's user groups share the writer): they count
 * only in chats a community lists, what the database holds survives a restart, a failed write
 * neither sticks nor blocks the next one, and a grant from a second source is never lost.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRoleGrants, DISCORD_ROLES_SOURCE } from '../../../src/connectors/discord/role-grants.js';
import { createSlackRoleGrants } from '../../../src/connectors/slack/role-grants.js';
import type { Community } from '../../../src/core/communities.js';
import { createFakeClock, createFakeStore, createRecordingLogger, createTestCommunities, type FakeStore } from '../../support/fakes.js';

const MANAGER_ROLE = '600000000000000042';
const MANAGE_GUILD = String(1n << 5n);
const COMMUNITIES: Community[] = [
  { id: 'alpha', name: 'Alpha', language: 'en', isDefault: true, chats: { discord: ['alpha-chat'] }, desk: { discord: 'alpha-desk' } },
  { id: 'beta', name: 'Beta', language: 'en', isDefault: false, chats: { discord: ['beta-chat'] }, desk: { discord: 'beta-desk' } },
];
const zawadi = { platform: 'discord' as const, userId: '800000000000000050', displayName: 'Zawadi' };
const channel = (chatId: string) => ({ platform: 'discord' as const, chatId });

let store: FakeStore;
const grants = (settings: Partial<Parameters<typeof createRoleGrants>[0]['settings']> = {}) =>
  createRoleGrants({
    settings: { managerRoleIds: [MANAGER_ROLE], adminRoleIds: [], manageServerIsManager: false, ...settings },
    store,
    communities: createTestCommunities(COMMUNITIES),
    log: createRecordingLogger(),
  });
const rolesOfZawadi = () => store.roles.rolesOf('discord', zawadi.userId);

beforeEach(() => {
  store = createFakeStore({ clock: createFakeClock() });
});

describe('Discord role grants', () => {
  it('grants the community of a channel a community lists, desk or member chat', async () => {
    const g = grants();
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('beta-chat'));
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([
      { communityId: 'beta', role: 'manager' },
      { communityId: 'alpha', role: 'manager' },
    ]);
  });

  it('grants nothing in a channel no community lists, though it falls to the default community', async () => {
    // The owner of any server the bot was added to holds Manage Server there.
    const g = grants({ manageServerIsManager: true });
    await g.observe(zawadi, [MANAGER_ROLE], MANAGE_GUILD, channel('someone-elses-server-channel'));
    expect(await rolesOfZawadi()).toEqual([]);
  });

  it('removes a role taken away while the process was down, at the next interaction after a restart', async () => {
    await grants().observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([{ communityId: 'alpha', role: 'manager' }]);
    const restarted = grants();
    await restarted.observe(zawadi, [], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([]);
  });

  it('keeps going after a failed write, and writes the role at the next interaction', async () => {
    const g = grants();
    const real = store.roles.setGrant;
    let failures = 1;
    store.roles.setGrant = async (...args) => {
      if (failures-- > 0) throw new Error('connection reset');
      return real(...args);
    };
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([]);
    const other = { ...zawadi, userId: '800000000000000051' };
    await g.observe(other, [MANAGER_ROLE], null, channel('alpha-desk'));
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([{ communityId: 'alpha', role: 'manager' }]);
    expect(await store.roles.rolesOf('discord', other.userId)).toEqual([{ communityId: 'alpha', role: 'manager' }]);
  });

  it('leaves a grant from another source alone when the role goes', async () => {
    await store.roles.syncConfigured([{ communityId: 'alpha', platform: 'discord', userId: zawadi.userId, role: 'manager' }]);
    const g = grants();
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    await g.observe(zawadi, [], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([{ communityId: 'alpha', role: 'manager' }]);
    expect(store.state.roles.filter((r) => r.source === DISCORD_ROLES_SOURCE)).toEqual([]);
  });

  it('takes the grant away when a demoted manager acts in a channel no community lists, even where they own the server', async () => {
    await grants().observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    await grants({ manageServerIsManager: true }).observe(zawadi, [], MANAGE_GUILD, channel('their-own-server'));
    expect(await rolesOfZawadi()).toEqual([]);
  });

  it('keeps no memory of its own writes: a second process’s grant is taken away when the role goes', async () => {
    const a = grants();
    const b = grants();
    await a.observe(zawadi, [], null, channel('alpha-desk'));
    await b.observe(zawadi, [MANAGER_ROLE], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([{ communityId: 'alpha', role: 'manager' }]);
    await a.observe(zawadi, [], null, channel('alpha-desk'));
    expect(await rolesOfZawadi()).toEqual([]);
  });

  it('grants every community sharing a desk channel', async () => {
    const shared: Community[] = COMMUNITIES.map((c) => ({ ...c, desk: { discord: 'shared-desk' } }));
    const g = createRoleGrants({ settings: { managerRoleIds: [MANAGER_ROLE], adminRoleIds: [], manageServerIsManager: false }, store, communities: createTestCommunities(shared), log: createRecordingLogger() });
    await g.observe(zawadi, [MANAGER_ROLE], null, channel('shared-desk'));
    expect(await rolesOfZawadi()).toEqual([
      { communityId: 'alpha', role: 'manager' },
      { communityId: 'beta', role: 'manager' },
    ]);
  });
});

describe('Slack user-group grants', () => {
  const SLACK: Community[] = [{ id: 'alpha', name: 'Alpha', language: 'en', isDefault: true, chats: { slack: ['C0GENERAL01'] }, desk: { slack: 'C0DESK00001' } }];
  const maria = { platform: 'slack' as const, userId: 'U0MARIA0001', displayName: 'Maria' };
  const slackGrants = (members: string[]) =>
    createSlackRoleGrants({
      settings: { managerGroupId: 'S0MANAGERS1', adminGroupId: undefined },
      client: { usergroups: { users: { list: async () => ({ ok: true, users: members }) } } } as unknown as Parameters<typeof createSlackRoleGrants>[0]['client'],
      store,
      communities: createTestCommunities(SLACK),
      log: createRecordingLogger(),
    });
  const rolesOfMaria = () => store.roles.rolesOf('slack', maria.userId);

  it('keeps a member of the group a manager in a direct message, and takes it away from one who left the group', async () => {
    await slackGrants([maria.userId]).observe(maria, { platform: 'slack', chatId: 'C0DESK00001' });
    await slackGrants([maria.userId]).observe(maria, { platform: 'slack', chatId: 'D0DIRECT001' });
    expect(await rolesOfMaria()).toEqual([{ communityId: 'alpha', role: 'manager' }]);
    await slackGrants([]).observe(maria, { platform: 'slack', chatId: 'D0DIRECT001' });
    expect(await rolesOfMaria()).toEqual([]);
  });
});
