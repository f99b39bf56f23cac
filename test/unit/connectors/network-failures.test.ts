/**
 * A network failure means the same on every connector: nothing was sent when no connection was
 * made (retryable), and the outcome is unknown once one was (never retried blindly). Each SDK's
 * wrapping is built as observed against loopback servers: discord.js throws Node's error itself,
 * Slack's WebClient wraps fetch's TypeError (its cause Node's error), grammY wraps node-fetch's
 * FetchError, which keeps the code and the message but not the `syscall`.
 */
import { webApi } from '@slack/bolt';
import { HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifyDiscordError } from '../../../src/connectors/discord/errors.js';
import { classifySlackError } from '../../../src/connectors/slack/errors.js';
import { classifyTelegramError } from '../../../src/connectors/telegram/errors.js';
import { neverConnected } from '../../../src/core/errors.js';

/** Node's error for a failed system call on a socket: `connect EHOSTUNREACH 162.159.128.233:443`. */
const systemError = (syscall: string, code: string) => Object.assign(new Error(`${syscall} ${code} 162.159.128.233:443`), { code, errno: -1, syscall, address: '162.159.128.233', port: 443 });

const CONNECTORS: Array<[string, (cause: Error) => { outcome: string; retryable: boolean }]> = [
  ['discord', (cause) => classifyDiscordError(cause).error],
  ['slack', (cause) => classifySlackError(new webApi.WebAPIRequestError(new TypeError('fetch failed', { cause }))).error],
  [
    'telegram',
    (cause) => {
      const fetchError = Object.assign(new Error(`request to https://api.telegram.org/bot123:SECRET/sendMessage failed, reason: ${cause.message}`), { name: 'FetchError', type: 'system', code: (cause as { code?: string }).code, errno: (cause as { code?: string }).code });
      return classifyTelegramError(new HttpError("Network request for 'sendMessage' failed!", fetchError)).error;
    },
  ],
];

const NOT_SENT = { outcome: 'not_sent', retryable: true };
const UNKNOWN = { outcome: 'unknown', retryable: false };

describe.each(CONNECTORS)('network failures on %s', (_name, classify) => {
  it.each([
    ['connect', 'ECONNREFUSED'],
    ['connect', 'EHOSTUNREACH'],
    ['connect', 'ENETUNREACH'],
    ['connect', 'ETIMEDOUT'],
    ['getaddrinfo', 'ENOTFOUND'],
    ['getaddrinfo', 'EAI_AGAIN'],
  ])('calls %s %s not sent, and retryable: the request never left', (syscall, code) => {
    expect(classify(systemError(syscall, code))).toMatchObject(NOT_SENT);
  });

  it.each([
    ['read', 'ECONNRESET'],
    ['read', 'EHOSTUNREACH'],
    ['write', 'ENETUNREACH'],
    ['read', 'ETIMEDOUT'],
    ['write', 'EPIPE'],
  ])('calls %s %s an unknown outcome: the request may have reached the platform', (syscall, code) => {
    expect(classify(systemError(syscall, code))).toMatchObject(UNKNOWN);
  });
});

describe('neverConnected', () => {
  it('tells a failed connect from the same code on a connected socket, by the syscall or the message naming it', () => {
    expect(neverConnected(systemError('connect', 'EHOSTUNREACH'))).toBe(true);
    expect(neverConnected(systemError('read', 'EHOSTUNREACH'))).toBe(false);
    expect(neverConnected(Object.assign(new Error('request to https://x.example failed, reason: connect ENETUNREACH 10.0.0.1:443'), { code: 'ENETUNREACH' }))).toBe(true);
    expect(neverConnected(Object.assign(new Error('request to https://x.example failed, reason: read ENETUNREACH'), { code: 'ENETUNREACH' }))).toBe(false);
    // Neither a syscall nor a message saying when: it may have been sent.
    expect(neverConnected(Object.assign(new Error('network down'), { code: 'EHOSTUNREACH' }))).toBe(false);
  });

  it('says nothing was sent when every address of a host refused or could not be reached (Node tries each in turn)', () => {
    const everyAddress = Object.assign(new AggregateError([systemError('connect', 'ECONNREFUSED'), systemError('connect', 'EHOSTUNREACH')], ''), { code: 'ECONNREFUSED' });
    expect(neverConnected(everyAddress)).toBe(true);
    expect(neverConnected(new AggregateError([systemError('connect', 'ECONNREFUSED'), systemError('read', 'ECONNRESET')], ''))).toBe(false);
  });

  it('leaves undici timeouts after connecting, and aborts, unknown', () => {
    expect(neverConnected(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(false);
    expect(neverConnected(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toBe(true);
    expect(neverConnected(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
  });
});
