/**
 * Where a command is typed decides what it covers: in a desk, the desk's communities the invoker
 * holds; in the invoker's own private chat (as the connector tells it), all of theirs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApprovalService } from '../../../../src/core/approval-service.js';
import { createCommandDispatcher, type CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import type { Community } from '../../../../src/core/communities.js';
import { ERROR_MESSAGES } from '../../../../src/core/errors.js';
import type { Platform } from '../../../../src/core/types.js';
import { createFakeCore, createTestCommunities, invoker, listedDraftIds, TEST_COMMUNITIES, type FakeCore } from '../../../support/fakes.js';

let core: FakeCore;
let commands: CommandDispatcher;

const alice = invoker('alice', 'Alice');
const bruno = invoker('bruno', 'Bruno');

beforeEach(() => {
  core = createFakeCore();
  core.store.grant('sandbox', 'alice', 'alpha', 'manager');
  core.store.grant('sandbox', 'bruno', 'beta', 'manager');
});

const statusOf = (id: number) => core.store.state.drafts.get(id)!.status;

describe('commands typed in a desk cover that desk’s community', () => {
  const carla = invoker('carla', 'Carla');
  const inDesk = (chatId: string) => ({ platform: 'sandbox' as const, chatId, direct: false });

  /** Dispatches over the test communities with their desks as `withDesk` makes them. */
  const useDesks = (withDesk: (c: Community) => Community) => {
    const approvals = createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log });
    const communities = createTestCommunities(TEST_COMMUNITIES.map(withDesk));
    commands = createCommandDispatcher({ services: { store: core.store, clock: core.clock, approvals }, access: core.access, audit: core.store.audit, log: core.log, communities });
  };
  /** Carla on `platform`, a manager of both communities, which have a draft each. */
  const carlaOn = (platform: Platform, userId: string) => {
    for (const communityId of ['alpha', 'beta']) {
      core.store.grant(platform, userId, communityId, 'manager');
      core.store.seedDraft({ communityId });
    }
    return invoker(userId, 'Carla', platform);
  };

  beforeEach(() => {
    useDesks((c) => c);
    core.store.grant('sandbox', 'carla', 'alpha', 'manager');
    core.store.grant('sandbox', 'carla', 'beta', 'manager');
  });

  it('refuses a manager of another community in this desk, audits it, and shows nothing of theirs', async () => {
    core.store.seedDraft({ communityId: 'alpha', message: { text: 'Alpha member: my order #991 never came' } });
    const reply = await commands.dispatch(alice, 'pending', '', inDesk('desk-beta'));
    expect(reply.text).toBe(ERROR_MESSAGES.not_a_manager);
    expect(reply.cards).toBeUndefined();
    expect(core.store.auditOf('access.refused').at(-1)).toMatchObject({ communityId: 'beta', actor: 'sandbox:alice', subject: 'command:pending' });
  });

  it('lists only the desk’s community for a manager of both', async () => {
    core.store.seedDraft({ communityId: 'alpha', message: { text: 'Alpha question?' } });
    const beta = core.store.seedDraft({ communityId: 'beta', message: { text: '¿Pregunta beta?' } });
    const reply = await commands.dispatch(carla, 'pending', '', inDesk('desk-beta'));
    expect(listedDraftIds(reply)).toEqual([beta.id]);
    expect(reply.text).not.toContain('Alpha question?');
    const everywhere = await commands.dispatch(carla, 'pending', '');
    expect(listedDraftIds(everywhere)).toHaveLength(2);
  });

  it('refuses to show or decide another community’s draft from this desk, and the draft stays as it was', async () => {
    const alphaDraft = core.store.seedDraft({ communityId: 'alpha', message: { text: 'Alpha member private complaint' } });
    for (const [name, args] of [['show', `${alphaDraft.id}`], ['approve', `${alphaDraft.id}`], ['edit', `${alphaDraft.id} Visit evil.example`], ['reject', `${alphaDraft.id}`], ['retry', `${alphaDraft.id}`]] as const) {
      const reply = await commands.dispatch(carla, name, args, inDesk('desk-beta'));
      expect(reply.text).toBe(`Draft #${alphaDraft.id} belongs to another community: act on it from that community's desk.`);
      expect(reply.cards).toBeUndefined();
    }
    expect(statusOf(alphaDraft.id)).toBe('pending');
    expect(core.store.state.outbox.size).toBe(0);
    expect(core.store.auditOf('access.refused').filter((a) => a.subject === `draft:${alphaDraft.id}`)).toHaveLength(5);
    expect((await commands.dispatch(carla, 'show', `${alphaDraft.id}`, inDesk('desk'))).cards).toHaveLength(1);
  });

  it('covers every community of the invoker in a chat that is no desk', async () => {
    core.store.seedDraft({ communityId: 'alpha' });
    core.store.seedDraft({ communityId: 'beta' });
    const reply = await commands.dispatch(carla, 'pending', '', { platform: 'sandbox', chatId: 'general', direct: false });
    expect(listedDraftIds(reply)).toHaveLength(2);
  });

  it('covers every community of the invoker in their own private chat, even when it is a desk', async () => {
    // Telegram: each manager's private chat with the bot may be a desk; only they read it.
    useDesks((c) => (c.id === 'alpha' ? { ...c, desk: { ...c.desk, telegram: ['-100777', '1001'] } } : c));
    const carlaOnTelegram = carlaOn('telegram', '1001');
    expect(listedDraftIds(await commands.dispatch(carlaOnTelegram, 'pending', '', { platform: 'telegram', chatId: '1001', direct: true }))).toHaveLength(2);
    expect(listedDraftIds(await commands.dispatch(carlaOnTelegram, 'pending', '', { platform: 'telegram', chatId: '-100777', direct: false }))).toHaveLength(1);
  });

  it('takes the connector’s word for a private chat, whose id need not be the user’s (a Slack IM)', async () => {
    useDesks((c) => (c.id === 'alpha' ? { ...c, desk: { ...c.desk, slack: ['C0ALPHADSK', 'D0CARLA001'] } } : c));
    const carlaOnSlack = carlaOn('slack', 'U0CARLA001');
    expect(listedDraftIds(await commands.dispatch(carlaOnSlack, 'pending', '', { platform: 'slack', chatId: 'D0CARLA001', direct: true }))).toHaveLength(2);
    expect(listedDraftIds(await commands.dispatch(carlaOnSlack, 'pending', '', { platform: 'slack', chatId: 'C0ALPHADSK', direct: false }))).toHaveLength(1);
  });

  it('covers only the desk’s community in a shared room named like the invoker, which is no private chat', async () => {
    // A sandbox room is read by everyone in it, whatever its name.
    useDesks((c) => (c.id === 'beta' ? { ...c, desk: { sandbox: 'carla' } } : c));
    core.store.seedDraft({ communityId: 'alpha', message: { text: 'Alpha member: my order #991 never came' } });
    const beta = core.store.seedDraft({ communityId: 'beta' });
    const reply = await commands.dispatch(carla, 'pending', '', { platform: 'sandbox', chatId: 'carla', direct: false });
    expect(listedDraftIds(reply)).toEqual([beta.id]);
    expect(reply.text).not.toContain('#991');
  });

  it('lets the manager of any community sharing a desk act there, on that community’s drafts only', async () => {
    // JAMII_TELEGRAM_DESK_CHAT is the desk of every community.
    useDesks((c) => ({ ...c, desk: { ...c.desk, telegram: '-100555' } }));
    const shared = { platform: 'telegram' as const, chatId: '-100555', direct: false };
    const alphaDraft = core.store.seedDraft({ communityId: 'alpha' });
    const betaDraft = core.store.seedDraft({ communityId: 'beta' });
    expect(listedDraftIds(await commands.dispatch(alice, 'pending', '', shared))).toEqual([alphaDraft.id]);
    expect(listedDraftIds(await commands.dispatch(bruno, 'pending', '', shared))).toEqual([betaDraft.id]);
    expect((await commands.dispatch(alice, 'edit', `${alphaDraft.id} Fixed text`, shared)).text).toMatch(/edited and approved by Alice/);
    expect((await commands.dispatch(alice, 'approve', `${betaDraft.id}`, shared)).text).toBe(ERROR_MESSAGES.not_a_manager);
    expect(statusOf(betaDraft.id)).toBe('pending');
  });
});
