/**
 * Synthetic community traffic: English, Russian, Swahili and Spanish; about 30% questions,
 * 10% complaints and the rest chatter, spread over many chats and authors. Deterministic for a
 * given seed, so two runs push the same texts.
 */
import type { InboundMessage } from '../src/core/types.js';

export type Intent = 'question' | 'complaint' | 'chatter';
export type BenchLanguage = 'en' | 'ru' | 'sw' | 'es';

export const BENCH_LANGUAGES: readonly BenchLanguage[] = ['en', 'ru', 'sw', 'es'];
export const QUESTION_SHARE = 0.3;
export const COMPLAINT_SHARE = 0.1;
export const BENCH_CHATS = 40;
export const BENCH_AUTHORS = 600;

const TEXTS: Record<BenchLanguage, Record<Intent, string[]>> = {
  en: {
    question: [
      'How do I reset my password?',
      'Does anyone know when the next update ships?',
      'Where can I find the invoice for my last order?',
      'Can someone explain how the referral bonus works',
      'What time does support open on weekends?',
      'Which plan includes the team dashboard?',
      'Is there a way to export my history to a spreadsheet?',
    ],
    complaint: [
      'The app is terrible, it keeps crashing every time I open it.',
      'Still waiting for my refund after three weeks, this is unacceptable.',
      'Your delivery was late again and the package arrived broken.',
      'Worst customer service ever, the agent was rude to me.',
      'I was overcharged twice this month and nobody answers, really disappointed.',
    ],
    chatter: [
      'Good morning everyone!',
      'Thanks for the update, looks great.',
      'I just joined the community, happy to be here.',
      'The new release works fine for me.',
      'See you all at the meetup on Friday.',
      'Nice work team, the app feels faster now.',
      'Sharing a photo from our trip to the coast.',
      'Congrats to the winners of the photo contest!',
    ],
  },
  ru: {
    question: [
      'Как поменять пароль в приложении?',
      'Подскажите, где найти чек за последний заказ?',
      'Когда выйдет следующее обновление?',
      'Кто знает, работает ли доставка в выходные?',
      'Сколько стоит годовая подписка',
    ],
    complaint: [
      'Ужасный сервис, приложение опять зависает.',
      'Уже неделю жду возврат денег, это возмутительно.',
      'Заказ пришёл сломанный, очень разочарован.',
      'Поддержка отвечает грубо, это просто позор.',
    ],
    chatter: [
      'Всем привет, рад присоединиться к сообществу.',
      'Спасибо за новости, отличная работа.',
      'Отличная погода сегодня, всем хорошего дня.',
      'Спасибо команде, приложение стало удобнее.',
      'Увидимся на встрече в пятницу.',
    ],
  },
  sw: {
    question: [
      'Je, naweza kubadilisha nenosiri langu?',
      'Nani anajua lini toleo jipya litatoka?',
      'Vipi nitapata risiti ya oda yangu?',
      'Kuna mtu anajua jinsi ya kulipa kwa simu?',
    ],
    complaint: [
      'Huduma mbaya sana, programu haifanyi kazi.',
      'Bado nasubiri pesa zangu, huu ni wizi.',
      'Oda imechelewa tena na bidhaa imeharibika, nimekasirika.',
      'Nimechukia huduma hii, malalamiko yangu hayajajibiwa.',
    ],
    chatter: [
      'Habari za asubuhi wote, karibuni.',
      'Asante kwa taarifa, kazi nzuri sana.',
      'Nimefurahi kujiunga na jumuiya hii.',
      'Tutaonana kwenye mkutano wa Ijumaa.',
    ],
  },
  es: {
    question: [
      '¿Cómo cambio mi contraseña?',
      '¿Alguien sabe cuándo sale la próxima versión?',
      '¿Dónde encuentro la factura de mi pedido?',
      'Necesito ayuda con la configuración de la cuenta',
      '¿Cuánto cuesta el plan anual?',
    ],
    complaint: [
      'El servicio es pésimo, la aplicación no funciona.',
      'Sigo esperando mi reembolso, es una estafa.',
      'El pedido llegó roto y muy tarde, estoy muy enojado.',
      'Qué vergüenza, el soporte fue grosero conmigo.',
    ],
    chatter: [
      'Buenos días a todos, me alegra estar aquí.',
      'Gracias por la actualización, todo va genial.',
      'Nos vemos en la reunión del viernes.',
      'Felicidades a los ganadores del concurso.',
    ],
  },
};

/** Small deterministic PRNG (mulberry32). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticMessage {
  intent: Intent;
  language: BenchLanguage;
  chatId: string;
  authorId: string;
  authorName: string;
  messageId: string;
  text: string;
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/**
 * `count` messages; `tag` keeps message ids unique across runs that share one database.
 * Chat and author ids look like Telegram's (text, large numbers).
 */
export function syntheticMessages(count: number, tag: string, seed = 1): SyntheticMessage[] {
  const random = createRandom(seed);
  const out: SyntheticMessage[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const intent: Intent = roll < QUESTION_SHARE ? 'question' : roll < QUESTION_SHARE + COMPLAINT_SHARE ? 'complaint' : 'chatter';
    const chat = Math.floor(random() * BENCH_CHATS);
    // Each chat leans towards one language, as real communities do.
    const language = random() < 0.8 ? BENCH_LANGUAGES[chat % BENCH_LANGUAGES.length]! : pick(random, BENCH_LANGUAGES);
    const author = Math.floor(random() * BENCH_AUTHORS);
    out.push({
      intent,
      language,
      chatId: `-100${(1_700_000_000 + chat).toString()}`,
      authorId: String(5_000_000_000 + author),
      authorName: `member ${author}`,
      messageId: `${tag}-${i}`,
      text: pick(random, TEXTS[language][intent]),
    });
  }
  return out;
}

/** The message as a Telegram connector would hand it to the core. */
export function toInbound(m: SyntheticMessage, sentAt: Date): InboundMessage {
  return {
    chat: { platform: 'telegram', chatId: m.chatId },
    chatTitle: `Bench chat ${m.chatId}`,
    messageId: m.messageId,
    author: { id: m.authorId, displayName: m.authorName, isBot: false },
    text: m.text,
    sentAt,
  };
}
