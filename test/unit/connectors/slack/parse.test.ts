import { describe, expect, it } from 'vitest';
import { parseSlackBody } from '../../../../src/connectors/slack/parse.js';

describe('Slack text as the person typed it', () => {
  it('stores a member’s "&", "<" and ">" as typed, not as the entities Slack sends', () => {
    const event = parseSlackBody({
      type: 'event_callback',
      event_id: 'Ev1',
      event: { type: 'message', channel: 'C0GENERAL01', user: 'U0AMINA0001', ts: '1700000000.000100', text: 'Is A &amp; B open? 2 &lt; 3 &gt; 1' },
    });
    expect(event).toMatchObject({ kind: 'message', inbound: { text: 'Is A & B open? 2 < 3 > 1' } });
  });

  it('hands a manager’s slash command text over unescaped: an edit keeps "&"', () => {
    const event = parseSlackBody({ command: '/jamii', text: 'edit 12 Tom &amp; Jerry &lt;3', user_id: 'U0MANAGER01', user_name: 'maria', channel_id: 'C0DESK00001' });
    expect(event).toMatchObject({ kind: 'command', name: 'edit', args: '12 Tom & Jerry <3' });
  });
});
