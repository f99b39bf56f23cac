import { describe, expect, it } from 'vitest';
import { isLinkAllowed, linksIn, normalizeLink } from '../../../../src/core/safety/links.js';

describe('linksIn', () => {
  it.each([
    ['an https URL', 'see https://kahawa.example/shop today', 'https://kahawa.example/shop'],
    ['an http URL', 'http://kahawa.example/a', 'https://kahawa.example/a'],
    ['an ftp URL', 'ftp://files.example/beans.zip', 'ftp://files.example/beans.zip'],
    ['a www link', 'go to www.kahawa.example.', 'https://kahawa.example'],
    ['a bare domain with a path', 'evil.example/path?x=1', 'https://evil.example/path?x=1'],
    ['a bare .com domain', 'Visit google.com!', 'https://google.com'],
    ['a second-level ccTLD', 'kahawa.co.ke hoy', 'https://kahawa.co.ke'],
    ['a Telegram link', 'join t.me/free_coffee_bot', 'https://t.me/free_coffee_bot'],
    ['a Discord invite', 'discord.gg/abc123', 'https://discord.gg/abc123'],
    ['a punycode host', 'https://xn--80ak6aa92e.com/shop', 'https://xn--80ak6aa92e.com/shop'],
    ['a Cyrillic domain', 'сайт кахава.рф/акция', 'https://xn--80aaah1b5d.xn--p1ai/%D0%B0%D0%BA%D1%86%D0%B8%D1%8F'],
    ['a Latin domain with a Cyrillic а', 'k\u0430hawa.example/shop', 'https://xn--khawa-4ve.example/shop'],
    ['a Markdown link target', '[shop](https://kahawa.example/shop)', 'https://kahawa.example/shop'],
    ['a Slack link', '<https://kahawa.example/shop|the shop>', 'https://kahawa.example/shop'],
    ['an HTML link', '<a href="https://kahawa.example/shop">shop</a>', 'https://kahawa.example/shop'],
    ['a javascript: link', '[x](javascript:alert(1))', 'javascript:alert(1)'],
    ['a data: link', 'data:text/html,<b>', 'data:text/html'],
    ['a mailto: link', 'mailto:help@kahawa.example', 'mailto:help@kahawa.example'],
    ['a Telegram deep link', 'tg://resolve?domain=kahawa', 'tg://resolve?domain=kahawa'],
    ['a bare IP with a path', '192.168.0.1/admin', 'https://192.168.0.1/admin'],
    ['a fullwidth URL', 'ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｆｗ', 'https://evil.example/fw'],
    ['an ideographic full stop', 'kahawa。example/shop', 'https://kahawa.example/shop'],
    ['a URL with user info', 'https://kahawa.example@evil.example/login', 'https://evil.example/login'],
    ['a URL split by a backslash', 'https:\\\\evil.example', 'https://evil.example'],
  ])('finds %s', (_name, text, expected) => {
    expect(linksIn(text)).toEqual([expected]);
  });

  it.each([
    ['abbreviations', 'e.g. i.e. etc. a.m. U.S. т.е. т.д. k.m. p.ej.'],
    ['versions and numbers', 'v2.1 1.2.3.4 3.14 $5.99 1,000.50 KSh 1.500 8:00–18:00'],
    ['framework names', 'Node.js Next.js ASP.NET Vue.js'],
    ['file names', 'README.md main.py setup.sh config.json index.ts archive.zip'],
    ['email addresses', 'write to support@kahawa.example or help@kahawa.co.ke'],
    ['a missing space after a full stop', 'Delivery is free.It arrives Monday.Com'],
    ['ordinary words and host names', 'hello.there Mr.Smith localhost:3000 notes.txt'],
    ['prose with colons', 'data: 5 bags; javascript: a language; http: a protocol'],
  ])('does not take %s for links', (_name, text) => {
    expect(linksIn(text)).toEqual([]);
  });

  it('trims sentence punctuation but keeps parentheses the URL opened', () => {
    expect(linksIn('(see https://en.wikipedia.org/wiki/Coffee_(drink)). Or https://kahawa.example/shop, ok?')).toEqual([
      'https://en.wikipedia.org/wiki/Coffee_(drink)',
      'https://kahawa.example/shop',
    ]);
  });

  it('lists each link once, in order', () => {
    expect(linksIn('b.example/x a.example https://b.example/x/')).toEqual(['https://b.example/x', 'https://a.example']);
  });
});

describe('normalizeLink', () => {
  it('lowercases the host, drops www, the trailing slash, default ports, the fragment and tracking', () => {
    expect(normalizeLink('http://WWW.Kahawa.Example:443/Shop/?utm_source=tg&fbclid=1&b=2&a=1#top')).toBe(
      'https://kahawa.example/Shop?a=1&b=2',
    );
  });

  it('keeps meaningful ports and query parameters', () => {
    expect(normalizeLink('kahawa.example:8443/track?order=42')).toBe('https://kahawa.example:8443/track?order=42');
  });

  it('returns unparsable text trimmed', () => {
    expect(normalizeLink(' https://exa mple ')).toBe('https://exa mple');
  });
});

describe('isLinkAllowed', () => {
  const allowed = new Set(['https://kahawa.example/docs/delivery', 'https://help.kahawa.example/returns?lang=sw', 'javascript:alert(1)']);

  it('allows links from the sources and their parent pages on the same host', () => {
    expect(isLinkAllowed('https://kahawa.example/docs/delivery', allowed)).toBe(true);
    expect(isLinkAllowed('https://kahawa.example/docs', allowed)).toBe(true);
    expect(isLinkAllowed('https://kahawa.example', allowed)).toBe(true);
    expect(isLinkAllowed('https://help.kahawa.example/returns', allowed)).toBe(true);
  });

  it('refuses other pages, other hosts, other queries and dangerous schemes even when listed', () => {
    expect(isLinkAllowed('https://kahawa.example/docs/delivery/evil', allowed)).toBe(false);
    expect(isLinkAllowed('https://kahawa.example/doc', allowed)).toBe(false);
    expect(isLinkAllowed('https://evil.kahawa.example', allowed)).toBe(false);
    expect(isLinkAllowed('https://help.kahawa.example/returns?lang=en', allowed)).toBe(false);
    expect(isLinkAllowed('javascript:alert(1)', allowed)).toBe(false);
  });
});
