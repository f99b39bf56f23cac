import { describe, expect, it } from 'vitest';
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

  it('never quotes a question that would ping everyone', () => {
    const loud = { ...question, messageId: 72, text: '@everyone where is my order??' };
    const idea = writeOfflineSpark({ ...base, openQuestions: [loud] });
    expect(idea.text).not.toContain('@everyone');
    expect(idea.basis.kind).toBe('general');
  });
});
