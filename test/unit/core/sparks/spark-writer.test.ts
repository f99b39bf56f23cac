import { describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../../../../src/config.js';
import { writeOfflineSpark } from '../../../../src/core/sparks/offline-spark-writer.js';
import type { SparkMaterial } from '../../../../src/core/sparks/spark-types.js';

const base: SparkMaterial = {
  communityId: 'kilimo',
  communityName: 'Kilimo Hub',
  language: 'en',
  chatTitle: 'General',
  topics: [],
  openQuestions: [],
  news: [],
  recentBases: [],
};

const question = { messageId: 71, author: 'Baraka', text: 'Does anyone know   when the\nmaize seed arrives?', at: new Date('2026-11-25T08:00:00Z') };

describe('offline spark writer', () => {
  it('asks the group to help with an unanswered question first, quoting it flat', () => {
    const idea = writeOfflineSpark({ ...base, openQuestions: [question], topics: [{ topic: 'delivery', count: 4 }] });
    expect(idea.kind).toBe('question');
    expect(idea.text).toBe('🙋 Baraka asked earlier: “Does anyone know when the maize seed arrives?” — who can help with this, or has a tip?');
    expect(idea.basis).toEqual({ kind: 'open_question', ref: '71' });
    expect(idea.reason).toContain('Baraka');
  });

  it('moves on to fresh news, then a topic poll, when the question was already used by a recent spark', () => {
    const news = [{ title: 'Maize prices fall', url: 'https://news.example/maize', at: new Date() }];
    const withNews = writeOfflineSpark({ ...base, openQuestions: [question], news, recentBases: [{ kind: 'open_question', ref: '71' }] });
    expect(withNews).toMatchObject({ kind: 'question', basis: { kind: 'news', ref: 'https://news.example/maize' } });
    expect(withNews.text).toContain('https://news.example/maize');

    const poll = writeOfflineSpark({ ...base, topics: [{ topic: 'delivery', count: 4 }], recentBases: [] });
    expect(poll.kind).toBe('poll');
    expect(poll.poll).toEqual({ question: 'How is delivery going for you lately?', options: ['Going well', 'Mixed', 'Not great', 'Not tried it yet'] });
    expect(poll.basis).toEqual({ kind: 'topic', ref: 'delivery' });
  });

  it('offers the chat’s topics as a general poll once each topic has had its own', () => {
    const topics = [{ topic: 'delivery', count: 4 }, { topic: 'billing', count: 2 }];
    const idea = writeOfflineSpark({ ...base, topics, recentBases: topics.map((t) => ({ kind: 'topic' as const, ref: t.topic })) });
    expect(idea.poll).toEqual({ question: 'What should we talk about next?', options: ['delivery', 'billing', 'Something else (tell us!)'] });
  });

  it('falls back to a general question with nothing to build on, in the community language', () => {
    expect(writeOfflineSpark(base)).toMatchObject({ kind: 'question', poll: null, basis: { kind: 'general', ref: null } });
    expect(writeOfflineSpark({ ...base, language: 'sw' }).text).toContain('wiki hii');
  });

  /** One starter of every kind the offline writer has: open question, news, topic poll, general poll, general question. */
  const everyKind = (language: string) => {
    const news = [{ title: 'Maize prices fall', url: 'https://news.example/maize', at: new Date() }];
    const topics = [{ topic: 'delivery', count: 4 }, { topic: 'billing', count: 2 }];
    const used = [{ kind: 'open_question' as const, ref: '71' }, { kind: 'news' as const, ref: news[0]!.url }, ...topics.map((t) => ({ kind: 'topic' as const, ref: t.topic }))];
    return [
      writeOfflineSpark({ ...base, language, openQuestions: [question] }),
      writeOfflineSpark({ ...base, language, news, recentBases: used.slice(0, 1) }),
      writeOfflineSpark({ ...base, language, topics, recentBases: used.slice(0, 2) }),
      writeOfflineSpark({ ...base, language, topics, recentBases: used }),
      writeOfflineSpark({ ...base, language }),
    ];
  };

  it.each(SUPPORTED_LANGUAGES.filter((l) => l !== 'en'))('writes every kind of starter in the community language %s, not in English', (language) => {
    const english = everyKind('en');
    const own = everyKind(language);
    expect(own.map((i) => i.basis.kind)).toEqual(['open_question', 'news', 'topic', 'general', 'general']);
    own.forEach((idea, i) => {
      expect(idea.text, `${language} #${i}`).not.toBe(english[i]!.text);
      if (idea.poll) {
        expect(idea.poll.question).not.toBe(english[i]!.poll!.question);
        if (idea.basis.kind === 'topic') expect(idea.poll.options).not.toEqual(english[i]!.poll!.options);
      }
      expect(idea.reason).not.toMatch(/written in English/);
    });
    expect(own[0]!.text).toContain('Does anyone know when the maize seed arrives?');
    expect(own[1]!.text).toContain('https://news.example/maize');
  });

  it('writes a German starter a German community reads naturally', () => {
    expect(writeOfflineSpark({ ...base, language: 'de' }).text).toBe('👋 Woran arbeitet ihr diese Woche? Teilt eine Sache – ob groß oder klein.');
    expect(writeOfflineSpark({ ...base, language: 'ar', topics: [{ topic: 'التوصيل', count: 3 }] }).poll!.question).toBe('كيف تسير أموركم مع التوصيل مؤخرًا؟');
  });

  it('writes in English for a language it has no phrases for, and says so on the card', () => {
    const idea = writeOfflineSpark({ ...base, language: 'it' });
    expect(idea.text).toBe(writeOfflineSpark(base).text);
    expect(idea.reason).toMatch(/No it phrases for offline sparks: written in English\.$/);
  });

  it('never quotes a question that would ping everyone', () => {
    const loud = { ...question, messageId: 72, text: '@everyone where is my order??' };
    const idea = writeOfflineSpark({ ...base, openQuestions: [loud] });
    expect(idea.text).not.toContain('@everyone');
    expect(idea.basis.kind).toBe('general');
  });
});
