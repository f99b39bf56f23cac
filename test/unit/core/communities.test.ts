import { describe, expect, it } from 'vitest';
import { createCommunityDirectory, deskChatIds } from '../../../src/core/communities.js';
import { createTestCommunities, TEST_COMMUNITIES } from '../../support/fakes.js';

describe('community directory', () => {
  const communities = createTestCommunities();

  it('finds the community listing a chat, and the default one for any other chat', () => {
    expect(communities.communityOf('sandbox', 'plaza')).toBe('beta');
    expect(communities.communityOf('sandbox', 'general')).toBe('alpha');
    expect(communities.communityOf('telegram', '-100123')).toBe('alpha');
  });

  it('tells a chat a community lists itself (a chat or its desk) from one that only falls to the default', () => {
    expect(communities.listedCommunitiesOf('sandbox', 'plaza')).toEqual(['beta']);
    expect(communities.listedCommunitiesOf('sandbox', 'desk-beta')).toEqual(['beta']);
    expect(communities.listedCommunitiesOf('sandbox', 'general')).toEqual(['alpha']);
    expect(communities.listedCommunitiesOf('sandbox', 'desk')).toEqual(['alpha']);
    expect(communities.listedCommunitiesOf('telegram', '-100123')).toEqual([]);
    expect(communities.listedCommunitiesOf('discord', 'plaza')).toEqual([]);
  });

  it('knows every community of a desk chat several share (JAMII_TELEGRAM_DESK_CHAT is every community’s)', () => {
    const shared = createTestCommunities(TEST_COMMUNITIES.map((c) => ({ ...c, desk: { ...c.desk, telegram: '-100555' } })));
    expect(shared.desksAt('telegram', '-100555').map((c) => c.id)).toEqual(['alpha', 'beta']);
    expect(shared.listedCommunitiesOf('telegram', '-100555')).toEqual(['alpha', 'beta']);
    expect(shared.desksAt('telegram', '-100556')).toEqual([]);
  });

  it('recognises desk chats and lists the desks of a community on running platforms', () => {
    expect(communities.desksAt('sandbox', 'desk-beta').map((c) => c.id)).toEqual(['beta']);
    expect(communities.desksAt('sandbox', 'general')).toEqual([]);
    expect(communities.desksOf('alpha', ['sandbox', 'telegram'])).toEqual([{ platform: 'sandbox', chatId: 'desk' }]);
    expect(communities.desksOf('alpha', [])).toEqual([]);
    expect(communities.desksOf('nope', ['sandbox'])).toEqual([]);
  });

  it('lists several desk chats of one platform, each recognised as the community\'s desk', () => {
    const dir = createCommunityDirectory([{ ...TEST_COMMUNITIES[0]!, desk: { sandbox: 'desk', telegram: ['1001', '-100777', '1001'] } }]);
    expect(dir.desksOf('alpha', ['telegram', 'sandbox'])).toEqual([
      { platform: 'telegram', chatId: '1001' },
      { platform: 'telegram', chatId: '-100777' },
      { platform: 'sandbox', chatId: 'desk' },
    ]);
    expect(dir.desksAt('telegram', '-100777').map((c) => c.id)).toEqual(['alpha']);
    expect(dir.desksAt('telegram', '1001').map((c) => c.id)).toEqual(['alpha']);
    expect(deskChatIds({ desk: { telegram: '5' } }, 'telegram')).toEqual(['5']);
    expect(deskChatIds({ desk: {} }, 'telegram')).toEqual([]);
  });

  it('uses the first community as the default when none is marked', () => {
    const dir = createCommunityDirectory(TEST_COMMUNITIES.map((c) => ({ ...c, isDefault: false })).reverse());
    expect(dir.communityOf('discord', '1')).toBe('beta');
  });

  it('refuses an unknown community id and an empty list', () => {
    expect(() => communities.get('nope')).toThrow('unknown community nope');
    expect(() => createCommunityDirectory([])).toThrow();
  });
});
