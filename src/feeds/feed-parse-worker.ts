/**
 * The feed parser's worker thread (see feed-parse-thread.ts): decodes and parses one feed
 * document at a time, off the main thread, and answers with the parsed feed or the FeedError's
 * code and message. A warning the decoder logs (an unknown charset) goes back with the answer, to
 * be logged by the main thread's logger.
 */
import { parentPort } from 'node:worker_threads';
import { FeedError } from '../core/news/news-types.js';
import type { Logger } from '../core/ports.js';
import { decodeFeed } from './feed-charset.js';
import { parseFeedText } from './feed-parser.js';
import type { ParseAnswer, ParseRequest, ParseWarning } from './feed-parse-protocol.js';

const port = parentPort;
if (!port) throw new Error('feed-parse-worker.ts runs as a worker thread (feed-parse-thread.ts starts it)');

function warningsLogger(warnings: ParseWarning[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, msg) => void warnings.push({ fields: { ...fields }, msg: msg ?? '' }),
    error: (fields, msg) => void warnings.push({ fields: { ...fields }, msg: msg ?? '' }),
    child: () => logger,
  };
  return logger;
}

port.on('message', (request: ParseRequest) => {
  const warnings: ParseWarning[] = [];
  let answer: ParseAnswer;
  try {
    const text = decodeFeed(request.bytes, request.contentType, { url: request.url, log: warningsLogger(warnings) });
    answer = { id: request.id, ok: true, feed: parseFeedText(text, request.url), warnings };
  } catch (error) {
    answer =
      error instanceof FeedError
        ? { id: request.id, ok: false, code: error.code, message: error.message, warnings }
        : { id: request.id, ok: false, code: 'feed_unparsable', message: 'the document could not be read as a feed', warnings };
  }
  port.postMessage(answer);
});
