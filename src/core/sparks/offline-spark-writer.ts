/**
 * The offline spark writer: fixed templates in the community's language, grounded in what the
 * chat holds. In order, the first basis not used by the chat's recent sparks wins: a question
 * nobody answered (ask the group to help), fresh news (ask what they make of it), a recent topic
 * (a poll on how it is going), and last a general poll over the chat's topics. Member text is
 * quoted flat and short, and a starter whose text fails the output checks is skipped.
 */
import { checkDraftText } from '../safety/output-checks.js';
import type { Platform } from '../types.js';
import { plural } from '../plural.js';
import { POLL_OPTIONS_MAX, POLL_OPTION_MAX_CHARS, POLL_QUESTION_MAX_CHARS } from './spark-limits.js';
import type { SparkBasis, SparkIdea, SparkMaterial, SparkWriter } from './spark-types.js';

export const OFFLINE_SPARK_PROMPT = 'spark-offline';
export const OFFLINE_SPARK_PROMPT_VERSION = '1';
/** Longest quote of a member's question in a starter. */
const QUOTE_MAX_CHARS = 140;
/** Topics a general poll offers as options (plus "something else"). */
const GENERAL_POLL_TOPICS = 4;

interface Phrases {
  openQuestion: (author: string, quote: string) => string;
  news: (title: string, url: string) => string;
  topicPollIntro: string;
  topicPoll: (topic: string) => string;
  topicOptions: string[];
  generalPoll: string;
  somethingElse: string;
  generalQuestion: string;
}

const PHRASES: Record<string, Phrases> = {
  en: {
    openQuestion: (a, q) => `🙋 ${a} asked earlier: “${q}” — who can help with this, or has a tip?`,
    news: (t, u) => `📰 ${t} — what do you make of it? ${u}`,
    topicPollIntro: '📊 Quick poll',
    topicPoll: (t) => `How is ${t} going for you lately?`,
    topicOptions: ['Going well', 'Mixed', 'Not great', 'Not tried it yet'],
    generalPoll: 'What should we talk about next?',
    somethingElse: 'Something else (tell us!)',
    generalQuestion: '👋 What are you working on this week? Share one thing — big or small.',
  },
  sw: {
    openQuestion: (a, q) => `🙋 ${a} aliuliza: “${q}” — nani anaweza kusaidia, au ana ushauri?`,
    news: (t, u) => `📰 ${t} — mnaonaje? ${u}`,
    topicPollIntro: '📊 Kura fupi',
    topicPoll: (t) => `${t} inaendeleaje kwenu siku hizi?`,
    topicOptions: ['Vizuri', 'Kiasi', 'Si vizuri', 'Bado sijajaribu'],
    generalPoll: 'Tuzungumzie nini baadaye?',
    somethingElse: 'Kitu kingine (tuambie!)',
    generalQuestion: '👋 Mnashughulikia nini wiki hii? Shiriki jambo moja — kubwa au dogo.',
  },
  es: {
    openQuestion: (a, q) => `🙋 ${a} preguntó: “${q}” — ¿quién puede ayudar o tiene un consejo?`,
    news: (t, u) => `📰 ${t} — ¿qué opinan? ${u}`,
    topicPollIntro: '📊 Encuesta rápida',
    topicPoll: (t) => `¿Cómo les va con ${t} últimamente?`,
    topicOptions: ['Bien', 'Regular', 'No muy bien', 'Aún no lo probé'],
    generalPoll: '¿De qué hablamos ahora?',
    somethingElse: 'Otra cosa (¡cuéntanos!)',
    generalQuestion: '👋 ¿En qué están trabajando esta semana? Compartan una cosa, grande o pequeña.',
  },
  ru: {
    openQuestion: (a, q) => `🙋 ${a} спрашивал(а): «${q}» — кто может помочь или подсказать?`,
    news: (t, u) => `📰 ${t} — что думаете? ${u}`,
    topicPollIntro: '📊 Короткий опрос',
    topicPoll: (t) => `Как у вас дела с темой «${t}» в последнее время?`,
    topicOptions: ['Всё хорошо', 'По-разному', 'Не очень', 'Ещё не пробовал(а)'],
    generalPoll: 'О чём поговорим дальше?',
    somethingElse: 'Другое (расскажите!)',
    generalQuestion: '👋 Над чем вы работаете на этой неделе? Поделитесь одной вещью — большой или маленькой.',
  },
  de: {
    openQuestion: (a, q) => `🙋 ${a} hat vorhin gefragt: „${q}“ – wer kann helfen oder hat einen Tipp?`,
    news: (t, u) => `📰 ${t} – was haltet ihr davon? ${u}`,
    topicPollIntro: '📊 Kurze Umfrage',
    topicPoll: (t) => `Wie läuft es bei euch gerade mit ${t}?`,
    topicOptions: ['Läuft gut', 'Gemischt', 'Nicht so gut', 'Noch nicht ausprobiert'],
    generalPoll: 'Worüber sollen wir als Nächstes sprechen?',
    somethingElse: 'Etwas anderes (erzählt!)',
    generalQuestion: '👋 Woran arbeitet ihr diese Woche? Teilt eine Sache – ob groß oder klein.',
  },
  fr: {
    openQuestion: (a, q) => `🙋 ${a} a demandé tout à l’heure : « ${q} » — qui peut aider ou a une astuce ?`,
    news: (t, u) => `📰 ${t} — qu’en pensez-vous ? ${u}`,
    topicPollIntro: '📊 Petit sondage',
    topicPoll: (t) => `Comment ça se passe pour vous avec ${t} en ce moment ?`,
    topicOptions: ['Bien', 'Mitigé', 'Pas terrible', 'Pas encore essayé'],
    generalPoll: 'De quoi parle-t-on ensuite ?',
    somethingElse: 'Autre chose (dites-nous !)',
    generalQuestion: '👋 Sur quoi travaillez-vous cette semaine ? Partagez une chose, petite ou grande.',
  },
  pt: {
    openQuestion: (a, q) => `🙋 ${a} perguntou há pouco: “${q}” — quem pode ajudar ou tem uma dica?`,
    news: (t, u) => `📰 ${t} — o que vocês acham? ${u}`,
    topicPollIntro: '📊 Enquete rápida',
    topicPoll: (t) => `Como vai ${t} para vocês ultimamente?`,
    topicOptions: ['Vai bem', 'Mais ou menos', 'Não muito bem', 'Ainda não experimentei'],
    generalPoll: 'Sobre o que falamos a seguir?',
    somethingElse: 'Outra coisa (contem pra gente!)',
    generalQuestion: '👋 No que vocês estão trabalhando esta semana? Compartilhem uma coisa, grande ou pequena.',
  },
  ar: {
    openQuestion: (a, q) => `🙋 سأل ${a} في وقت سابق: «${q}» — من يستطيع المساعدة أو لديه نصيحة؟`,
    news: (t, u) => `📰 ${t} — ما رأيكم؟ ${u}`,
    topicPollIntro: '📊 استطلاع سريع',
    topicPoll: (t) => `كيف تسير أموركم مع ${t} مؤخرًا؟`,
    topicOptions: ['بشكل جيد', 'بين بين', 'ليس جيدًا', 'لم أجربه بعد'],
    generalPoll: 'عن ماذا نتحدث في المرة القادمة؟',
    somethingElse: 'شيء آخر (أخبرونا!)',
    generalQuestion: '👋 على ماذا تعملون هذا الأسبوع؟ شاركونا شيئًا واحدًا، كبيرًا كان أو صغيرًا.',
  },
};

const flat = (text: string, max: number) => {
  const one = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(one);
  return chars.length <= max ? one : `${chars.slice(0, max - 1).join('')}…`;
};

const sameBasis = (a: SparkBasis, b: SparkBasis) => a.kind === b.kind && a.ref === b.ref;

/** True when the text passes the output checks a posted spark must pass (no mass mentions, no foreign links). */
function postable(text: string, allowedLinks: string[]): boolean {
  if (text.trim() === '') return true;
  return checkDraftText(text, { platform: 'sandbox' satisfies Platform, maxLength: 1000, allowedLinks, systemPrompts: [] }).problems.length === 0;
}

/** Every starter the material supports, best first. */
function candidates(m: SparkMaterial, p: Phrases): SparkIdea[] {
  const ideas: SparkIdea[] = [];
  for (const q of m.openQuestions) {
    ideas.push({
      kind: 'question',
      text: p.openQuestion(flat(q.author, 40), flat(q.text, QUOTE_MAX_CHARS)),
      poll: null,
      basis: { kind: 'open_question', ref: String(q.messageId) },
      reason: `An open question from ${q.author} has no answer yet.`,
    });
  }
  for (const n of m.news) {
    ideas.push({ kind: 'question', text: p.news(flat(n.title, 200), n.url), poll: null, basis: { kind: 'news', ref: n.url }, reason: `Fresh news: ${flat(n.title, 80)}.` });
  }
  for (const t of m.topics) {
    const question = flat(p.topicPoll(flat(t.topic, 60)), POLL_QUESTION_MAX_CHARS);
    ideas.push({
      kind: 'poll',
      text: p.topicPollIntro,
      poll: { question, options: p.topicOptions.map((o) => flat(o, POLL_OPTION_MAX_CHARS)) },
      basis: { kind: 'topic', ref: t.topic },
      reason: `"${t.topic}" came up ${plural(t.count, 'time')} lately.`,
    });
  }
  const options = m.topics.slice(0, GENERAL_POLL_TOPICS).map((t) => flat(t.topic, POLL_OPTION_MAX_CHARS));
  if (options.length >= 2) {
    ideas.push({
      kind: 'poll',
      text: p.topicPollIntro,
      poll: { question: p.generalPoll, options: [...options, flat(p.somethingElse, POLL_OPTION_MAX_CHARS)].slice(0, POLL_OPTIONS_MAX) },
      basis: { kind: 'general', ref: 'topics' },
      reason: 'A poll over the chat’s recent topics.',
    });
  }
  ideas.push({ kind: 'question', text: p.generalQuestion, poll: null, basis: { kind: 'general', ref: null }, reason: 'No open question, news or topic to build on: a general question.' });
  return ideas;
}

/** The offline starter for `material` (never fails). */
export function writeOfflineSpark(material: SparkMaterial): SparkIdea {
  const own = PHRASES[material.language];
  const all = candidates(material, own ?? PHRASES.en!);
  // A language with no phrases here is written in English, and the card says so.
  if (!own) for (const idea of all) idea.reason = `${idea.reason} No ${material.language} phrases for offline sparks: written in English.`;
  const allowedLinks = material.news.map((n) => n.url);
  const fits = (idea: SparkIdea) =>
    postable(idea.text, allowedLinks) && (!idea.poll || [idea.poll.question, ...idea.poll.options].every((t) => postable(t, [])));
  const fresh = all.filter((idea) => fits(idea) && !material.recentBases.some((b) => sameBasis(b, idea.basis)));
  return fresh[0] ?? all.filter(fits)[0] ?? all.at(-1)!;
}

export const offlineSparkWriter: SparkWriter = {
  name: 'offline',
  model: null,
  promptName: OFFLINE_SPARK_PROMPT,
  promptVersion: OFFLINE_SPARK_PROMPT_VERSION,
  write: async (material) => writeOfflineSpark(material),
};
