import { describe, expect, it } from 'vitest';
import { learnedAnswerOf, stripMemberGreeting } from '../../../src/core/learned-answer.js';

describe('stripMemberGreeting', () => {
  it.each([
    ['Hi Alice! The pool opens at 9.', 'The pool opens at 9.'],
    ['¡Hola, Alice! Abrimos a las 9.', 'Abrimos a las 9.'],
    ['Alice, здравствуйте! Бассейн открыт с 9.', 'Бассейн открыт с 9.'],
    ['Habari Alice! Tunafungua saa tatu.', 'Tunafungua saa tatu.'],
    ['Hello there alice, yes we ship to Kampala.', 'Yes we ship to Kampala.'],
  ])('drops the greeting naming the member from %j', (text, answer) => {
    expect(stripMemberGreeting(text, 'Alice')).toBe(answer);
  });

  it('keeps a text that does not open by greeting the member', () => {
    expect(stripMemberGreeting('The pool opens at 9. Ask Alice for a key.', 'Alice')).toBe('The pool opens at 9. Ask Alice for a key.');
    expect(stripMemberGreeting('We told everyone last week that Alice, our coach, is away.', 'Alice')).toBe('We told everyone last week that Alice, our coach, is away.');
  });

  it('keeps the text when the greeting is all there is', () => {
    expect(stripMemberGreeting('Hi Alice!', 'Alice')).toBe('Hi Alice!');
  });
});

describe('learnedAnswerOf', () => {
  const message = { author: { id: 'a', displayName: 'Alice', isBot: false } } as never;

  it('learns nothing from a holding reply approved as drafted', () => {
    expect(learnedAnswerOf({ promptName: 'offline-question', sources: [], message }, { text: 'Thanks for your question, Alice! Our team is looking into it.', edited: false })).toBeNull();
  });

  it("learns an edited holding reply: it is the manager's answer", () => {
    expect(learnedAnswerOf({ promptName: 'offline-question', sources: [], message }, { text: 'Hi Alice! Yes, we open on Sundays.', edited: true })).toBe('Yes, we open on Sundays.');
  });
});
