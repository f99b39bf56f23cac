/**
 * One JSON answer from a chat completion: the request with structured output, an overall
 * deadline on top of the SDK's per-attempt timeout and retries, and the answer validated.
 */
import type OpenAI from 'openai';
import type { z } from 'zod';
import { JamiiError } from '../../core/errors.js';
import { toLanguageModelError } from './errors.js';
import { parseModelJson, responseFormat, type StructuredOutputMode } from './schemas.js';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/**
 * The longest a `retry-after` may make one call wait in all. The SDK sleeps for whatever the
 * server asks, so a server saying "retry after an hour" would otherwise hold a draft that long.
 */
export const RETRY_WAIT_ALLOWANCE_MS = 10_000;

export interface ChatCallOptions {
  model: string;
  timeoutMs: number;
  maxRetries: number;
  maxTokens: number;
  structuredOutput: StructuredOutputMode;
  /** OpenAI itself takes `max_completion_tokens`; most compatible servers only `max_tokens`. */
  tokenLimitParam: 'max_tokens' | 'max_completion_tokens';
}

/** Longest one call may take, all attempts and waits included. */
export function callBudgetMs(options: { timeoutMs: number; maxRetries: number }): number {
  return options.timeoutMs * (options.maxRetries + 1) + options.maxRetries * RETRY_WAIT_ALLOWANCE_MS;
}

/**
 * Runs `call` with an abort signal that fires after `budgetMs`; the SDK's own promise is
 * settled quietly afterwards so a late rejection is never unhandled.
 */
export async function withDeadline<T>(budgetMs: number, operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timedOut = () => new JamiiError('llm_timeout', `The model did not finish the ${operation} request within ${budgetMs} ms.`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(timedOut());
      controller.abort();
    }, budgetMs);
  });
  const pending = call(controller.signal);
  pending.catch(() => undefined);
  try {
    return await Promise.race([pending, deadline]);
  } catch (error) {
    throw controller.signal.aborted ? timedOut() : toLanguageModelError(error, operation);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `messages`, asks for JSON matching `schema`, and returns it validated. */
export async function completeJson<S extends z.ZodType>(
  client: OpenAI,
  options: ChatCallOptions,
  request: { operation: string; formatName: string; schema: S; messages: ChatMessage[]; temperature: number },
): Promise<z.infer<S>> {
  const completion = await withDeadline(callBudgetMs(options), request.operation, (signal) =>
    client.chat.completions.create(
      {
        model: options.model,
        messages: request.messages,
        response_format: responseFormat(options.structuredOutput, request.formatName, request.schema),
        temperature: request.temperature,
        [options.tokenLimitParam]: options.maxTokens,
      },
      { signal },
    ),
  );
  const choice = completion.choices[0];
  if (!choice) throw new JamiiError('llm_invalid_output', 'The model returned no choices.');
  if (choice.finish_reason === 'length') {
    throw new JamiiError('llm_invalid_output', 'The model answer was cut off at the token limit.', { details: { finishReason: 'length' } });
  }
  if (choice.message.refusal) throw new JamiiError('llm_invalid_output', 'The model refused to answer.', { details: { refusal: true } });
  return parseModelJson(choice.message.content, request.schema);
}
