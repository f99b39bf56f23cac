import { describe, expect, it } from 'vitest';
import { lexicalScore } from '../../../../src/core/news/lexical-score.js';
import { dueSlot, inQuietHours, startOfLocalDayAt } from '../../../../src/core/news/news-schedule.js';
import { canonicalUrl, htmlToText, sameStory, titleKey, titleSimilarity, truncate } from '../../../../src/core/news/news-text.js';
import { cronSchedule, isValidCron } from '../../../../src/news/cron-schedule.js';

describe('canonical links', () => {
  it('drops tracking parameters, the fragment, credentials and a trailing slash, and sorts the rest of the query', () => {
    expect(canonicalUrl('HTTPS://News.Example:443/a/b/?utm_source=x&b=2&fbclid=1&a=1&gclid=z#top')).toBe('https://news.example/a/b?a=1&b=2');
    expect(canonicalUrl('https://news.example/')).toBe('https://news.example/');
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
  });
});

describe('feed text', () => {
  it('turns HTML into plain text without scripts, comments or invisible characters', () => {
    expect(htmlToText('<p>Hello&nbsp;<b>world</b> &amp; friends</p><script>evil()</script><!-- hidden --><p>Second\u200b line</p>', 500)).toBe('Hello world & friends\nSecond line');
    expect(htmlToText('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('reads an unclosed comment or script as running to the end, as a browser does, and a "<" with no ">" as text', () => {
    expect(htmlToText('<p>Kept</p><!-- draft: <b>hidden</b>', 500)).toBe('Kept');
    expect(htmlToText('Kept<SCRIPT type="x">evil()</script <p>hidden', 500)).toBe('Kept');
    expect(htmlToText('<P>one</p><STYLE>p{}</Style >two <pre>three</pre>', 500)).toBe('one\ntwo three');
    expect(htmlToText('fees < 5% <b>now</b>', 500)).toBe('fees now');
    expect(htmlToText('<b>fees</b> < 5%', 500)).toBe('fees < 5%');
  });

  it('strips 2 MB of openers with no closer (comments, scripts, tags) in one pass', () => {
    const twoMb = (unit: string) => unit.repeat(Math.ceil((2 * 1024 * 1024) / unit.length));
    expect(htmlToText(`<p>Kept</p>${twoMb('<!--')}`, 100)).toBe('Kept');
    expect(htmlToText(`Kept${twoMb('<script>')}`, 100)).toBe('Kept');
    expect(htmlToText(`Kept<script>${twoMb('</script ')}`, 100)).toBe('Kept');
    expect(htmlToText(`<b>Kept</b>${twoMb('<p')}`, 20)).toBe(`Kept ${'<p'.repeat(7)}…`);
    expect(htmlToText(`${twoMb('<div')}>Kept`, 100)).toBe('Kept');
  });

  it('cuts a text at a character count without splitting a surrogate pair', () => {
    expect(truncate('😀'.repeat(5), 3)).toBe('😀😀…');
    expect(truncate('😀'.repeat(3), 3)).toBe('😀😀😀');
    expect(truncate(`${'word '.repeat(400_000)}`, 12)).toBe('word word w…');
  });
});

describe('near-duplicate stories', () => {
  it('matches a story by canonical link or by a near-identical headline, not by a shared word or two', () => {
    const a = titleKey('M-Pesa cuts fees for small merchants');
    const b = titleKey('M-Pesa cuts fees for small merchants, Safaricom says');
    const c = titleKey('M-Pesa outage hits merchants');
    expect(titleSimilarity(a, b)).toBeGreaterThanOrEqual(0.6);
    expect(titleSimilarity(a, c)).toBeLessThan(0.6);
    const stories = [{ id: 1, link: 'https://a.example/x', titleKey: a }];
    expect(sameStory({ link: 'https://b.example/y', titleKey: b }, stories)).toBe(1);
    expect(sameStory({ link: 'https://a.example/x', titleKey: titleKey('Other words entirely here') }, stories)).toBe(1);
    expect(sameStory({ link: 'https://c.example/z', titleKey: c }, stories)).toBeNull();
  });
});

describe('lexical relevance', () => {
  const topics = { keywords: ['M-Pesa', 'delivery', 'same-day shipping'], description: 'A coffee roaster selling online across Kenya' };

  it('scores headline matches above summary matches and names what matched', () => {
    const title = lexicalScore(topics, { id: 1, title: 'M-Pesa and delivery news', summary: '' });
    const body = lexicalScore(topics, { id: 2, title: 'Market update', summary: 'Mentions M-Pesa once.' });
    const none = lexicalScore(topics, { id: 3, title: 'Football results', summary: 'The league resumes.' });
    expect(title.score).toBeGreaterThan(body.score);
    expect(body.score).toBeGreaterThan(none.score);
    expect(none.score).toBe(0);
    expect(title.reason).toBe('matches: M-Pesa, delivery');
    expect(none.reason).toBe('no topic keyword matches');
    expect(lexicalScore(topics, { id: 4, title: 'Same-day shipping arrives', summary: '' }).reason).toBe('matches: same-day shipping');
    expect(lexicalScore(topics, { id: 5, title: 'Deliveries double', summary: '' }).reason).toBe('matches: delivery');
  });
});

describe('news schedules', () => {
  it('finds the latest cron slot in the chat time zone, within the catch-up window', () => {
    // 09:00 in Nairobi is 06:00 UTC.
    expect(dueSlot(cronSchedule, '0 9 * * *', 'Africa/Nairobi', new Date('2026-11-27T06:00:00Z'))).toEqual({ key: 'cron:2026-11-27T06:00:00.000Z', at: new Date('2026-11-27T06:00:00Z') });
    expect(dueSlot(cronSchedule, '0 9 * * *', 'Africa/Nairobi', new Date('2026-11-27T06:59:00Z'))?.key).toBe('cron:2026-11-27T06:00:00.000Z');
    expect(dueSlot(cronSchedule, '0 9 * * *', 'Africa/Nairobi', new Date('2026-11-27T07:01:00Z'))).toBeNull();
    expect(dueSlot(cronSchedule, '0 9 * * *', 'Africa/Nairobi', new Date('2026-11-27T05:59:00Z'))).toBeNull();
    expect(isValidCron('0 9,17 * * 1-5')).toBe(true);
    expect(isValidCron('every morning')).toBe(false);
  });

  it('keeps quiet hours that wrap past midnight, in local time', () => {
    const quiet = { start: '22:00', end: '07:00' };
    const at = (iso: string) => inQuietHours(quiet, 'Africa/Nairobi', new Date(iso));
    expect(at('2026-11-27T19:00:00Z')).toBe(true); // 22:00 local
    expect(at('2026-11-27T03:59:00Z')).toBe(true); // 06:59 local
    expect(at('2026-11-27T04:00:00Z')).toBe(false); // 07:00 local
    expect(at('2026-11-27T18:59:00Z')).toBe(false); // 21:59 local
    expect(inQuietHours({ start: '12:00', end: '14:00' }, 'UTC', new Date('2026-11-27T13:00:00Z'))).toBe(true);
    expect(inQuietHours(null, 'UTC', new Date())).toBe(false);
  });

  it('counts the daily cap from local midnight', () => {
    expect(startOfLocalDayAt(new Date('2026-11-27T22:30:00Z'), 'Africa/Nairobi').toISOString()).toBe('2026-11-27T21:00:00.000Z');
    expect(startOfLocalDayAt(new Date('2026-11-27T20:30:00Z'), 'Africa/Nairobi').toISOString()).toBe('2026-11-26T21:00:00.000Z');
  });
});
