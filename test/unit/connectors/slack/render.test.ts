import { describe, expect, it } from 'vitest';
import { SLACK_MESSAGE_TEXT_MAX_CHARS, SLACK_TEXT_INPUT_MAX_CHARS } from '../../../../src/connectors/slack/limits.js';
import { escapeMrkdwn, renderCard, renderEditModal, renderText, splitRaw, unescapeMrkdwn, visibleText } from '../../../../src/connectors/slack/render.js';
import type { CardView } from '../../../../src/core/types.js';

const card: CardView = {
  draftId: 7,
  title: '#7 Question · telegram · Kilimo Hub',
  status: 'pending',
  quote: 'Hi <!channel> how do I pay?',
  quoteAuthor: 'Baraka <@U1>',
  quoteFromBot: false,
  quoteLabel: 'Member Baraka <@U1> wrote',
  body: 'Pay at the office & tell <!here>.',
  bodyLabel: 'Reply that would be posted',
  fields: [{ label: 'Why', value: 'a question <b>' }, { label: 'Status', value: 'Waiting for a decision' }],
  footer: '/approve 7 · /edit 7 <new text> · /reject 7 [reason]',
  actions: [
    { id: 'approve:7', label: 'Approve', style: 'primary' },
    { id: 'edit:7', label: 'Edit', style: 'secondary' },
    { id: 'reject:7', label: 'Reject', style: 'danger' },
  ],
};

describe('Slack rendering', () => {
  it('escapes &, < and > so no mention, link or special command can form, and reads back as written', () => {
    const text = '<!channel> <!here|here> <!everyone> <!subteam^S1> <@U1> <#C1> <https://x|y> a & b > c';
    const escaped = escapeMrkdwn(text);
    expect(escaped).not.toMatch(/[<>]/);
    expect(unescapeMrkdwn(escaped)).toBe(text);
  });

  it('shows the member\'s words and the reply exactly (plain_text), and the fields escaped', () => {
    const part = renderCard(card);
    // mrkdwn (where Slack would parse mentions) never carries a raw < or >.
    expect(JSON.stringify(part.blocks)).not.toMatch(/"type":"mrkdwn","text":"[^"]*[<>]/);
    const sections = part.blocks!.filter((b) => b.type === 'section' && 'text' in b && b.text);
    expect(sections.map((b: any) => b.text)).toEqual([
      { type: 'plain_text', text: 'Hi <!channel> how do I pay?', emoji: true },
      { type: 'plain_text', text: 'Pay at the office & tell <!here>.', emoji: true },
    ]);
    const fields = part.blocks!.find((b: any) => b.fields) as any;
    expect(fields.fields[0].text).toBe('*Why*\na question &lt;b&gt;');
    expect(part.text).not.toMatch(/[<>]/);
    expect(visibleText(part)).toContain('Pay at the office & tell <!here>.');
  });

  it('gives buttons their action ids and Slack styles (secondary has none)', () => {
    const actions = renderCard(card).blocks!.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => [e.action_id, e.style])).toEqual([
      ['approve:7', 'primary'],
      ['edit:7', undefined],
      ['reject:7', 'danger'],
    ]);
  });

  it('splits long text within the limit counting the escaped length, at spaces, losing nothing', () => {
    const text = Array.from({ length: 2000 }, () => '<&>').join(' ');
    const parts = renderText(text);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(SLACK_MESSAGE_TEXT_MAX_CHARS);
    expect(parts.map((p) => unescapeMrkdwn(p.text)).join(' ')).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    for (const part of splitRaw('🌽'.repeat(100), 51)) expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('prefills the Edit modal with the draft, clipped to the input limit', () => {
    const view = renderEditModal(7, 'x'.repeat(5000), '{"channel":"C0JAMIIDSK"}') as any;
    expect(view.callback_id).toBe('edit-modal:7');
    expect(view.private_metadata).toBe('{"channel":"C0JAMIIDSK"}');
    expect(view.blocks[0].element.initial_value).toHaveLength(SLACK_TEXT_INPUT_MAX_CHARS);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });
});
