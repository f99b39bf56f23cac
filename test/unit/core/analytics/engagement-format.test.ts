import { describe, expect, it } from 'vitest';
import { engagementLine } from '../../../../src/core/analytics/engagement-format.js';
import type { EngagementGroup } from '../../../../src/core/analytics/engagement.js';

const group = (g: Partial<EngagementGroup>): EngagementGroup => ({
  kind: 'news',
  label: 'Kilimo News',
  posts: 1,
  open: 0,
  replies: 0,
  messages: 0,
  speakers: 0,
  baselineMessages: 0,
  baselineSpeakers: 0,
  lift: null,
  reactions: null,
  ...g,
});

describe('engagement lines', () => {
  it('give one post its own counts, in the singular where there is one', () => {
    expect(engagementLine(group({ replies: 1, speakers: 1, messages: 1, baselineSpeakers: 1, baselineMessages: 3, reactions: 1, lift: 0.3 }))).toBe(
      'news · Kilimo News: 1 post · 1 reply · 1 reaction, 1 speaker (usually 1), 1 message (usually 3) · ×0.3 the usual messages',
    );
  });

  it('read several posts as averages, without a trailing .0 and agreeing with the number shown', () => {
    expect(engagementLine(group({ posts: 2, replies: 3, speakers: 2, messages: 8, baselineSpeakers: 1, baselineMessages: 2, lift: 4 }))).toBe(
      'news · Kilimo News: 2 posts · on average 1.5 replies, 1 speaker (usually 0.5), 4 messages (usually 1) · ×4.0 the usual messages',
    );
    expect(engagementLine(group({ posts: 3, open: 1, reactions: 0 }))).toBe(
      'news · Kilimo News: 3 posts (1 still within 6h) · on average 0 replies · 0 reactions, 0 speakers (usually 0), 0 messages (usually 0) · no baseline yet',
    );
  });
});
