import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifyTelegramError, describeTelegramError, isNotModified } from '../../../../src/connectors/telegram/errors.js';
import { PostingLimitReached } from '../../../../src/connectors/posting-limit.js';

const apiError = (error_code: number, description: string, parameters?: Record<string, number>) =>
  new GrammyError(`Call to 'sendMessage' failed!`, { ok: false, error_code, description, ...(parameters ? { parameters } : {}) }, 'sendMessage', { chat_id: -100, text: 'x' });
const networkError = (code: string) =>
  new HttpError("Network request for 'sendMessage' failed!", Object.assign(new Error('request to http://127.0.0.1/bot123:SECRET/sendMessage failed'), { code }));

describe('classifyTelegramError', () => {
  it('treats a 429 as not sent and retryable, with the wait Telegram asked for', () => {
    const f = classifyTelegramError(apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }));
    expect(f.error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 7000 });
    expect(f.retryAfterSeconds).toBe(7);
  });

  it('treats a post the limiter refused as not sent, to be sent once the chat frees up', () => {
    const f = classifyTelegramError(new PostingLimitReached('-100123', 41_200));
    expect(f.error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 41_200 });
    expect(f.error.message).toContain('free again in 42 s');
    expect(f.chatGone).toBeNull();
  });

  it('treats 403 (kicked, blocked) as a gone chat that must not be retried', () => {
    const f = classifyTelegramError(apiError(403, 'Forbidden: bot was kicked from the supergroup chat'));
    expect(f.error).toMatchObject({ outcome: 'not_sent', retryable: false, code: 'delivery_failed' });
    expect(f.chatGone).toBe('forbidden');
  });

  it('reports the new id of a group that became a supergroup', () => {
    const f = classifyTelegramError(apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1009 }));
    expect(f.migrateToChatId).toBe(-1009);
    expect(f.error.retryable).toBe(true);
  });

  it('treats a refused connection as not sent, and a dropped one or a server error as unknown', () => {
    expect(classifyTelegramError(networkError('ECONNREFUSED')).error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(classifyTelegramError(networkError('ECONNRESET')).error).toMatchObject({ outcome: 'unknown', code: 'delivery_unconfirmed' });
    expect(classifyTelegramError(apiError(502, 'Bad Gateway')).error.outcome).toBe('unknown');
    expect(classifyTelegramError(new Error('timeout')).error.outcome).toBe('unknown');
  });

  it('describes failures without the request URL (which carries the token)', () => {
    expect(describeTelegramError(networkError('ECONNREFUSED'))).toBe('telegram network error (ECONNREFUSED)');
    expect(describeTelegramError(apiError(403, 'Forbidden: bot was blocked by the user'))).toBe('telegram sendMessage: 403 Forbidden: bot was blocked by the user');
    expect(classifyTelegramError(networkError('ECONNREFUSED')).error.message).not.toContain('SECRET');
  });

  it('recognises "message is not modified"', () => {
    expect(isNotModified(apiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'))).toBe(true);
    expect(isNotModified(apiError(400, 'Bad Request: message to edit not found'))).toBe(false);
  });
});
