import { describe, expect, it } from 'vitest';
import { detectLanguage, labelMessage, tokenize } from '../../../../src/llm/offline/heuristics.js';

const label = (text: string, fallbackLanguage = 'en') => labelMessage(text, { fallbackLanguage });

describe('detectLanguage', () => {
  it.each([
    ['en', 'How do I reset my password on the new app?'],
    ['en', 'The meetup was great, see you next week'],
    ['ru', 'Как сбросить пароль в новом приложении?'],
    ['ru', 'Всем привет!'],
    ['sw', 'Je, duka liko wazi leo?'],
    ['sw', 'Asante sana kwa msaada wako'],
    ['sw', 'Nimefika salama Mombasa'],
    ['es', '¿Cómo puedo cambiar mi contraseña?'],
    ['es', 'Muchas gracias por la ayuda'],
    ['es', 'Hoy llegué a Madrid con mi familia'],
  ])('recognises %s in "%s"', (language, text) => {
    expect(detectLanguage(text, 'en')).toBe(language);
  });

  it('falls back to the given language when the text carries no evidence', () => {
    expect(detectLanguage('👍', 'sw')).toBe('sw');
    expect(detectLanguage('ok', 'es')).toBe('es');
    expect(detectLanguage('12345', 'ru')).toBe('ru');
  });

  it('picks Russian as soon as Cyrillic outweighs Latin letters', () => {
    expect(detectLanguage('Приложение не открывается после update', 'en')).toBe('ru');
  });

  it('labels the language it detects, not the fallback, when there is evidence', () => {
    expect(label('Muchas gracias por la ayuda', 'sw').language).toBe('es');
  });
});

describe('tokenize', () => {
  it('lowercases, keeps apostrophes and inner dashes, and reads every script', () => {
    expect(tokenize("It DOESN’T work — кто-нибудь? ¿Qué?")).toEqual(["it", "doesn't", 'work', 'кто-нибудь', 'qué']);
  });
});

describe('question detection', () => {
  it.each([
    ['en', 'How do I reset my password?'],
    ['en', 'Does anyone know when the next meetup is'],
    ['en', 'Can someone help me with the API key'],
    ['en', 'Thanks! How do I join the call'],
    ['en', 'I need help connecting my wallet'],
    ['ru', 'Как сбросить пароль?'],
    ['ru', 'Подскажите, где найти настройки'],
    ['ru', 'Работает ли доставка в выходные'],
    ['sw', 'Je, duka liko wazi leo?'],
    ['sw', 'Naomba msaada na akaunti yangu'],
    ['sw', 'Mtu anajua bei ya tiketi'],
    ['sw', 'Naweza kulipa kwa M-Pesa'],
    ['es', '¿Cómo puedo cambiar mi contraseña?'],
    ['es', 'Alguien sabe cuándo abre la tienda'],
    ['es', 'Necesito ayuda con mi pedido'],
  ])('labels a question in %s as a question: "%s"', (language, text) => {
    const labels = label(text);
    expect(labels).toMatchObject({ language, isQuestion: true });
    expect(labels.reasons.length).toBeGreaterThan(0);
  });

  it('says why: the question mark, the opening word or the help phrase', () => {
    expect(label('Where is the venue?').reasons).toContain('asks with a question mark');
    expect(label('Подскажите, где найти настройки').reasons).toContain('opens with "подскажите"');
    expect(label('Naomba msaada na akaunti yangu').reasons).toContain('asks for help ("naomba msaada")');
    expect(label('Работает ли доставка в выходные').reasons).toContain('uses the question particle "ли"');
  });

  it('does not trust a weak opener ("is", "do") at the start of a long statement', () => {
    expect(label('Do not forget to bring your ticket to the meetup on Saturday evening').isQuestion).toBe(false);
  });

  // BUG (heuristics.ts, question block): the opener rule ignores how the sentence ends, so an
  // exclamation or a wish that starts with a question word is drafted for as a question.
  it.each([
    ['en', 'What a great meetup, thanks everyone!'],
    ['en', 'How nice of you!'],
    ['en', 'Have a nice weekend everyone'],
    ['ru', 'Как здорово, спасибо!'],
    ['es', '¡Qué bien, gracias!'],
    ['es', 'Que tengas un buen día'],
  ])('does not take an exclamation or greeting in %s for a question: "%s"', (_language, text) => {
    expect(label(text).isQuestion).toBe(false);
  });
});

describe('negative feedback', () => {
  it.each([
    ['en', 'This is terrible, the app keeps crashing'],
    ['en', 'I am very disappointed with the delivery'],
    ['en', 'This app is useless'],
    ['en', 'TERRIBLE SERVICE, I WANT A REFUND!!'],
    ['ru', 'Это ужасно, приложение не работает'],
    ['ru', 'Очень плохой сервис'],
    ['ru', 'Верните деньги, это обман'],
    ['sw', 'Huduma hii ni mbaya sana'],
    ['sw', 'Nimekasirika sana, pesa yangu iko wapi'],
    ['sw', 'Hii ni wizi mtupu'],
    ['es', 'El servicio es pésimo, quiero un reembolso'],
    ['es', 'No funciona la aplicación'],
    ['es', 'Mi pedido está roto y es muy malo'],
  ])('labels a complaint in %s as negative feedback: "%s"', (language, text) => {
    const labels = label(text);
    expect(labels).toMatchObject({ language, isNegative: true });
    expect(labels.severity).toBeGreaterThanOrEqual(1);
    expect(labels.reasons.some((r) => r.startsWith('complaint vocabulary:'))).toBe(true);
  });

  it('names the complaint words it found', () => {
    expect(label('El servicio es pésimo, quiero un reembolso').reasons).toContain('complaint vocabulary: "pésimo", "reembolso"');
  });

  it.each([
    ['en', 'not bad at all'],
    ['en', 'The update is not bad'],
    ['en', 'The service was not terrible'],
    ['ru', 'Не плохо'],
    ['ru', 'Неплохо, спасибо'],
    ['sw', 'Hii si mbaya kabisa'],
    ['es', 'no es malo'],
    ['es', 'La app no es mala'],
    ['es', 'No es nada malo'],
  ])('reads a negated complaint word as not negative (%s): "%s"', (_language, text) => {
    expect(label(text)).toMatchObject({ isNegative: false, severity: 0 });
  });

  it('keeps a phrase that carries its own negation negative ("not working", "не работает", "no funciona")', () => {
    expect(label("My card is not working").isNegative).toBe(true);
    expect(label('Приложение не работает').isNegative).toBe(true);
    expect(label('No funciona la aplicación').isNegative).toBe(true);
  });

  // BUG (heuristics.ts, negation window): the three tokens before a complaint word are searched
  // for a negation across sentence and clause boundaries, so "No, this is terrible" reads as
  // "not terrible".
  it.each(['No, this is terrible', 'No! This is awful, I want my money back'])('does not let a negation in an earlier clause cancel a complaint: "%s"', (text) => {
    expect(label(text).isNegative).toBe(true);
  });

  it('does not call a lone mild word a complaint', () => {
    expect(label('The app is slow').isNegative).toBe(false);
    expect(label('I have a problem with my order').isNegative).toBe(false);
    expect(label('Kuna tatizo dogo').isNegative).toBe(false);
  });

  it('raises a mild word to a complaint with an intensifier or "!!"', () => {
    expect(label('Really slow app').isNegative).toBe(true);
    expect(label('The app is slow!!').isNegative).toBe(true);
  });

  it('grades severity: a plain word, an intensifier, capitals and "!!" each add weight', () => {
    const plain = label('This is bad');
    const intensified = label('This is very bad');
    const shouted = label('THIS IS BAD');
    const exclaimed = label('This is bad!!');
    const all = label('THIS IS REALLY BAD, TERRIBLE!!');
    expect(plain).toMatchObject({ isNegative: true, severity: 1 });
    expect(intensified.severity).toBe(2);
    expect(shouted.severity).toBe(2);
    expect(exclaimed.severity).toBe(2);
    expect(all.severity).toBe(3);
  });

  it('does not count capitals in a short shout ("BAD") as anger', () => {
    expect(label('BAD').severity).toBe(label('bad').severity);
  });

  it('keeps severity at 0 and within 0..3 always', () => {
    for (const text of ['Hello', 'terrible awful horrible worst scam disgusting!!! UNACCEPTABLE', 'not bad']) {
      const { severity, isNegative } = label(text);
      expect(severity).toBeGreaterThanOrEqual(0);
      expect(severity).toBeLessThanOrEqual(3);
      if (!isNegative) expect(severity).toBe(0);
    }
  });

  it('labels a complaint phrased as a question as both', () => {
    expect(label('Why is the app so terrible?')).toMatchObject({ isQuestion: true, isNegative: true });
  });

  // BUG (heuristics.ts detectLanguage): Swahili scoring counts only a short stopword list and
  // affirmative verb forms, so a complaint built on negative verbs ("haifanyi") and nouns is
  // detected as the community's English, and the Swahili complaint vocabulary is never consulted.
  it.each(['Programu haifanyi kazi tangu jana', 'Nirudishiwe pesa zangu'])('detects a Swahili complaint in an English community: "%s"', (text) => {
    expect(label(text, 'en')).toMatchObject({ language: 'sw', isNegative: true });
  });
});

describe('neutral messages', () => {
  it.each([
    ['en', 'Hello everyone!'],
    ['en', 'Good morning team'],
    ['en', 'Thanks a lot, that helped'],
    ['en', 'I just joined the group from Nairobi'],
    ['en', 'The meetup was great, see you next week'],
    ['ru', 'Всем привет!'],
    ['ru', 'Спасибо большое'],
    ['ru', 'Приложение работает отлично'],
    ['sw', 'Habari za asubuhi wote'],
    ['sw', 'Asante sana kwa msaada'],
    ['sw', 'Nimefika salama Mombasa'],
    ['es', '¡Hola a todos!'],
    ['es', 'Muchas gracias por la ayuda'],
    ['es', 'Hoy llegué a Madrid con mi familia'],
  ])('leaves a greeting, thanks or statement in %s unlabelled: "%s"', (language, text) => {
    expect(label(text)).toEqual({ language, isQuestion: false, isNegative: false, severity: 0, reasons: [] });
  });
});
