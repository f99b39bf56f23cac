import { describe, expect, it } from 'vitest';
import { MASS_MENTION_MIN_USERS, massMentionReasons, scanMentions } from '../../../../src/core/safety/mentions.js';

describe('scanMentions', () => {
  it('separates broadcasts, handles and platform ids', () => {
    expect(scanMentions('@Everyone hi @Alice and @bob_k. <@123> <@!456> <@U02AB|sam> tg://user?id=789 <@&42> <!here>')).toEqual({
      broadcasts: ['@everyone', '<!here>', '<@&42>'],
      handles: ['alice', 'bob_k'],
      ids: ['123', '456', 'u02ab', '789'],
    });
  });

  it('does not take email addresses, prices or lone at-signs for mentions', () => {
    expect(scanMentions('mail anna@kahawa.example, 2 @ $5, see you @ 8')).toEqual({ broadcasts: [], handles: [], ids: [] });
  });
});

describe('massMentionReasons', () => {
  it('names each broadcast and counts a flood of people', () => {
    expect(massMentionReasons('@here @еveryone')).toEqual(['broadcast mention @here', 'broadcast mention @everyone']);
    const people = Array.from({ length: MASS_MENTION_MIN_USERS }, (_, i) => `@member${i}`).join(' ');
    expect(massMentionReasons(people)).toEqual([`mentions ${MASS_MENTION_MIN_USERS} different people`]);
    expect(massMentionReasons('@member1 @member1 @member1 @member1 @member1')).toEqual([]);
  });
});
