import { describe, expect, it } from 'vitest';
import { labelMessage } from '../../../../src/llm/offline/heuristics.js';

const label = (text: string) => labelMessage(text, { fallbackLanguage: 'en' });

describe('praise is not read as sarcasm', () => {
  it.each([
    'What a great product, thank you so much!',
    'Thanks so much!',
    'Still loving this app, great work!',
    'Another great event, thanks team!',
    'Great product, I still use it every day!',
    'Great service, delivery took 2 days',
  ])('"%s" is not negative feedback', (text) => {
    expect(label(text)).toMatchObject({ isNegative: false, severity: 0 });
  });

  it('does not take a member telling how long delivery took for a complaint', () => {
    expect(label('took 6 days for me')).toMatchObject({ isQuestion: false, isNegative: false });
    expect(label('it took about 3 days to arrive in Nairobi')).toMatchObject({ isNegative: false });
    expect(labelMessage('a mí me tardó 6 días', { fallbackLanguage: 'es' })).toMatchObject({ language: 'es', isNegative: false });
  });
});

describe('real sarcasm and complaints stay negative', () => {
  it.each([
    'Great, another outage. Thanks a lot.',
    'Wow, 6 days and still nothing, amazing service',
    'oh great, the app logged me out again',
    'love how the "24h delivery" took 6 days. truly impressive',
  ])('"%s" is sarcasm', (text) => {
    const labels = label(text);
    expect(labels.isNegative).toBe(true);
    expect(labels.reasons.join(' ')).toContain('sarcasm');
  });

  it.each(['Slow much?', 'the promo says 50% off but checkout says 20%. misleading much?'])('"%s" is a rhetorical complaint', (text) => {
    expect(label(text)).toMatchObject({ isQuestion: false, isNegative: true });
  });

  it('still reads how long it took as a complaint beside other evidence', () => {
    expect(label('Why has my refund taken three weeks??')).toMatchObject({ isQuestion: true, isNegative: true });
    expect(label('delivery took 5 days, terrible')).toMatchObject({ isNegative: true });
    expect(label('I have been waiting 3 weeks for my order')).toMatchObject({ isNegative: true });
  });
});
