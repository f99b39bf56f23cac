import { beforeEach, describe, expect, it } from 'vitest';
import { createAccess, holds, type Access } from '../../../src/core/access.js';
import { JamiiError } from '../../../src/core/errors.js';
import { createFakeStore, invoker, type FakeStore } from '../../support/fakes.js';

let store: FakeStore;
let access: Access;

beforeEach(() => {
  store = createFakeStore();
  access = createAccess({ roles: store.roles, audit: store.audit });
});

describe('holds', () => {
  it('lets an admin do what a manager does, but not the reverse', () => {
    expect(holds('manager', 'manager')).toBe(true);
    expect(holds('admin', 'manager')).toBe(true);
    expect(holds('admin', 'admin')).toBe(true);
    expect(holds('manager', 'admin')).toBe(false);
    expect(holds(undefined, 'manager')).toBe(false);
  });
});

describe('rolesOf', () => {
  it('maps each community to the strongest role held there', async () => {
    store.grant('sandbox', 'alice', 'alpha', 'manager');
    store.grant('sandbox', 'alice', 'alpha', 'admin');
    store.grant('sandbox', 'alice', 'beta', 'manager');
    const roles = await access.rolesOf(invoker('alice'));
    expect(Object.fromEntries(roles)).toEqual({ alpha: 'admin', beta: 'manager' });
    expect(access.communitiesWith(roles, 'manager').sort()).toEqual(['alpha', 'beta']);
    expect(access.communitiesWith(roles, 'admin')).toEqual(['alpha']);
  });

  it('keeps an admin grant when a manager grant for the same community comes after it', async () => {
    store.grant('sandbox', 'alice', 'alpha', 'admin');
    store.grant('sandbox', 'alice', 'alpha', 'manager');
    expect((await access.rolesOf(invoker('alice'))).get('alpha')).toBe('admin');
  });

  it('reads grants from configuration sync', async () => {
    await store.roles.syncConfigured([{ communityId: 'alpha', platform: 'telegram', userId: '123456789', role: 'manager' }]);
    expect(Object.fromEntries(await access.rolesOf(invoker('123456789', 'Tg', 'telegram')))).toEqual({ alpha: 'manager' });
  });
});

describe('require', () => {
  it('passes a manager of the community', async () => {
    store.grant('sandbox', 'alice', 'alpha', 'manager');
    await expect(access.require(invoker('alice'), 'alpha', 'manager', { action: 'approve', subject: 'draft:1' })).resolves.toBeUndefined();
    expect(store.state.audit).toEqual([]);
  });

  it('refuses and audits a member without a role', async () => {
    const error = await access.require(invoker('amina', 'Amina'), 'alpha', 'manager', { action: 'approve', subject: 'draft:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JamiiError);
    expect((error as JamiiError).code).toBe('not_a_manager');
    expect(store.state.audit).toEqual([
      { communityId: 'alpha', actor: 'sandbox:amina', action: 'access.refused', subject: 'draft:1', details: { attempted: 'approve', needed: 'manager', displayName: 'Amina' } },
    ]);
  });

  it('refuses a manager an admin-only action with not_an_admin', async () => {
    store.grant('sandbox', 'alice', 'alpha', 'manager');
    const error = await access.require(invoker('alice'), 'alpha', 'admin', { action: 'configure', subject: 'community:alpha' }).catch((e: unknown) => e);
    expect((error as JamiiError).code).toBe('not_an_admin');
  });

  it('refuses a manager of another community', async () => {
    store.grant('sandbox', 'bruno', 'beta', 'manager');
    const error = await access.require(invoker('bruno'), 'alpha', 'manager', { action: 'approve', subject: 'draft:1' }).catch((e: unknown) => e);
    expect((error as JamiiError).code).toBe('not_a_manager');
  });
});
