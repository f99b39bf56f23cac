/**
 * Role grants on each real database: one row per grant and source, so a grant held both from
 * configuration and from a platform role survives either source dropping it; a person's grant
 * from a platform source is set and removed on its own, and counted once however many sources give it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { DATABASES } from '../support/databases.js';
import { openTestStore } from '../support/harness.js';

describe.each(DATABASES)('roles on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind, { id: 'c1', name: 'C1', language: 'en' }));
  });
  afterAll(() => close());

  const amina = { communityId: 'c1', platform: 'discord' as const, userId: '111' };

  it('keeps a grant held from two sources when one drops it, and counts it once', async () => {
    await store.roles.syncSource('discord-roles', [{ ...amina, role: 'manager' }]);
    await store.roles.syncConfigured([{ ...amina, role: 'manager' }]);
    expect(await store.roles.rolesOf('discord', '111')).toEqual([{ communityId: 'c1', role: 'manager' }]);
    await store.roles.syncSource('discord-roles', []);
    expect(await store.roles.rolesOf('discord', '111')).toEqual([{ communityId: 'c1', role: 'manager' }]);
    await store.roles.syncConfigured([]);
    expect(await store.roles.rolesOf('discord', '111')).toEqual([]);
  });

  it('sets, changes and removes one person’s grant from a source without touching anyone else’s', async () => {
    const other = { ...amina, userId: '222' };
    await store.roles.setGrant('slack-groups', other, 'manager');
    await store.roles.setGrant('slack-groups', amina, 'manager');
    await store.roles.setGrant('slack-groups', amina, 'manager');
    expect(await store.roles.rolesOf('discord', '111')).toEqual([{ communityId: 'c1', role: 'manager' }]);
    await store.roles.setGrant('slack-groups', amina, 'admin');
    expect(await store.roles.rolesOf('discord', '111')).toEqual([{ communityId: 'c1', role: 'admin' }]);
    await store.roles.setGrant('slack-groups', amina, null);
    expect(await store.roles.rolesOf('discord', '111')).toEqual([]);
    expect(await store.roles.rolesOf('discord', '222')).toEqual([{ communityId: 'c1', role: 'manager' }]);
  });

  it('refuses to set a configured grant one at a time', async () => {
    await expect(store.roles.setGrant('config', amina, 'manager')).rejects.toThrow(/syncConfigured/);
  });
});
