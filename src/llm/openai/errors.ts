/**
 * openai SDK errors -> Jamii error codes. Messages are rebuilt from status and kind, never copied
 * from the server's text, which may quote the key it was sent.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  RateLimitError,
} from 'openai';
import { isJamiiError, JamiiError } from '../../core/errors.js';

/** Maps anything a model call threw to a JamiiError (llm_timeout, rate_limited, llm_unavailable, ...). */
export function toLanguageModelError(error: unknown, operation: string): JamiiError {
  if (isJamiiError(error)) return error;
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new JamiiError('llm_timeout', `The model did not answer the ${operation} request in time.`, { cause: error });
  }
  if (error instanceof RateLimitError) {
    return new JamiiError('rate_limited', `The model server kept refusing the ${operation} request (HTTP 429).`, {
      cause: error,
      details: { status: 429 },
    });
  }
  if (error instanceof APIConnectionError) {
    return new JamiiError('llm_unavailable', `The model server could not be reached for the ${operation} request.`, { cause: error });
  }
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    return new JamiiError('llm_unavailable', `The model server refused the ${operation} request (HTTP ${status ?? 'error'}).`, {
      cause: error,
      details: { status, type: error.type ?? null, code: error.code ?? null },
    });
  }
  return new JamiiError('llm_unavailable', `The ${operation} request failed.`, { cause: error });
}

/** What a log line may say about a model error: code, status and our own message, never the server's text. */
export function describeModelError(error: JamiiError): Record<string, unknown> {
  return { code: error.code, message: error.message, ...error.details };
}
