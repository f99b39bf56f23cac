import { describe, expect, it } from 'vitest';
import { editPromptText, escapeHtml, parseEditPrompt, renderCard, renderText, splitText, visibleText } from '../../../../src/connectors/telegram/render.js';
import type { CardView } from '../../../../src/core/types.js';

const view: CardView = {
  draftId: 12,
  title: '#12 Question · telegram · Kilimo <Hub>',
  status: 'pending',
  quote: 'Is 5 > 3 & 2 < 4?',
  quoteAuthor: 'Baraka',
  quoteFromBot: false,
  quoteLabel: 'Member Baraka wrote',
  body: 'Yes <b>it</b> is.',
  bodyLabel: 'Reply that would be posted',
  fields: [{ label: 'Status', value: 'Waiting for a decision' }],
  footer: '/approve 12',
  actions: [
    { id: 'approve:12', label: 'Approve', style: 'primary' },
    { id: 'reject:12', label: 'Reject', style: 'danger' },
  ],
};

describe('Telegram rendering', () => {
  it('renders a card as escaped HTML with one row of buttons carrying the action ids', () => {
    const part = renderCard(view);
    expect(part.parseMode).toBe('HTML');
    expect(part.text).toContain('<b>#12 Question · telegram · Kilimo &lt;Hub&gt;</b>');
    expect(part.text).toContain('<blockquote>Is 5 &gt; 3 &amp; 2 &lt; 4?</blockquote>');
    expect(part.text).toContain('Yes &lt;b&gt;it&lt;/b&gt; is.');
    expect(part.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Approve', callback_data: 'approve:12' }, { text: 'Reject', callback_data: 'reject:12' }]] });
  });

  it('removes the buttons of a decided card and keeps it within 4096 characters by shortening the quote first', () => {
    const part = renderCard({ ...view, actions: [], quote: 'q'.repeat(4000), body: 'b'.repeat(1900) });
    expect(part.replyMarkup).toEqual({ inline_keyboard: [] });
    const visible = visibleText(part);
    expect(visible.length).toBeLessThanOrEqual(4096);
    expect(visible).toContain('b'.repeat(1900));
  });

  it('splits long text at line breaks, then spaces, never inside an emoji', () => {
    expect(splitText('a'.repeat(10), 4)).toEqual(['aaaa', 'aaaa', 'aa']);
    expect(splitText('aaaa\nbbb ccc', 9)).toEqual(['aaaa\nbbb', 'ccc']);
    const emoji = '🌽'.repeat(5);
    for (const part of splitText(emoji, 3)) expect(part).toMatch(/^(🌽)+$/u);
    expect(splitText('')).toEqual(['']);
  });

  it('sends replies as plain text and gives an edit prompt its force-reply', () => {
    expect(renderText('a <b> & c')).toEqual([{ text: 'a <b> & c' }]);
    const [prompt] = renderText(editPromptText(31));
    expect(prompt!.replyMarkup).toEqual({ force_reply: true, input_field_placeholder: 'New text for draft #31' });
    expect(parseEditPrompt(prompt!.text)).toBe(31);
    expect(parseEditPrompt('Edit draft #31: something else')).toBeNull();
    expect(escapeHtml('<&>')).toBe('&lt;&amp;&gt;');
  });
});
