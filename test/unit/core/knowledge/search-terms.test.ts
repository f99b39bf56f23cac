import { describe, expect, it } from 'vitest';
import { arabicStem, searchTerms } from '../../../../src/core/knowledge/search-terms.js';

describe('search terms in the community languages', () => {
  it.each([
    ['de', 'Wie kann ich bei euch mit der Karte bezahlen?', ['karte', 'bezah']],
    ['fr', 'Est-ce que je peux payer avec ma carte ?', ['payer', 'carte']],
    ['pt', 'Eu posso pagar com o meu cartão?', ['pagar', 'cart']],
    ['ar', 'هل أقدر أدفع بالبطاقة عند الاستلام؟', ['أقدر|الأقدر', 'أدفع|الأدفع', 'بطاق|البطاق', 'استل|الاستل']],
  ])('drops the function words of %s and keeps the content words', (_language, text, terms) => {
    expect(searchTerms(text)).toEqual(terms);
  });

  it('searches a French word without its elided article or pronoun ("l’adresse" finds "adresse")', () => {
    expect(searchTerms("j'ai changé l’adresse, qu'est-ce que je fais ?")).toEqual(['chan', 'adre', 'fais']);
  });

  it('keeps a brand word that is also a function word elsewhere ("Duka Plus")', () => {
    expect(searchTerms('Qu’est-ce que Duka Plus ?')).toEqual(['duka', 'plus']);
  });

  it('searches an Arabic word by its stem, bare and with the article', () => {
    expect(arabicStem('رقمي')).toBe('رقم');
    expect(arabicStem('والتطبيق')).toBe('تطبيق');
    expect(arabicStem('أرجعه')).toBe('أرجع');
    // Too short to lose a letter: "وضع" is a word, not "و" + "ضع".
    expect(arabicStem('وضع')).toBe('وضع');
    expect(searchTerms('هل في التطبيق وضع داكن؟')).toEqual(['تطبيق|التطبيق', 'وضع|الوضع', 'داكن|الداكن']);
  });
});
