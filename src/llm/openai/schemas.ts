/**
 * What the model must answer, as zod schemas: sent to the server as strict JSON Schema
 * (structured outputs) and used again to validate whatever comes back.
 */
import { z } from 'zod';
import { JamiiError } from '../../core/errors.js';

// Only keywords every structured-output server accepts in strict mode: no string lengths
// (callers trim long strings after parsing), numbers bounded with minimum/maximum.

/** Passage numbers a draft may cite; retrieval never hands over more than this many. */
export const MAX_CITED_PASSAGES = 50;

const isoLanguage = z.string().regex(/^[a-z]{2}$/).describe('ISO 639-1 language code, e.g. "en", "sw"');

export const classificationSchema = z
  .object({
    language: isoLanguage,
    is_question: z.boolean(),
    is_negative: z.boolean(),
    severity: z.int().min(0).max(3).describe('0 when not negative; 3 angry'),
    topic: z.string().nullable(),
    needs_reply: z.boolean(),
    reason: z.string(),
  })
  .strict();
export type Classification = z.infer<typeof classificationSchema>;

export const draftOutputSchema = z
  .object({
    reply: z.string().refine((text) => text.trim() !== '', 'the reply is empty'),
    language: isoLanguage,
    sources: z.array(z.int().min(1).max(MAX_CITED_PASSAGES)).max(MAX_CITED_PASSAGES),
    translation: z.string().nullable(),
    reason: z.string(),
  })
  .strict();
export type DraftOutput = z.infer<typeof draftOutputSchema>;

export type StructuredOutputMode = 'json_schema' | 'json_object';

export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; strict: true; schema: Record<string, unknown> } };

/**
 * The `response_format` for a schema. Strict mode needs every property required and no extra
 * properties, which zod's JSON Schema of a strict object already says; `$schema` is dropped
 * because servers reject keys they do not know.
 */
export function responseFormat(mode: StructuredOutputMode, name: string, schema: z.ZodType): ResponseFormat {
  if (mode === 'json_object') return { type: 'json_object' };
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  return { type: 'json_schema', json_schema: { name, strict: true, schema: jsonSchema } };
}

const FENCED = /^```(?:json)?\s*([\s\S]*?)\s*```$/i;

/**
 * Parses a model's JSON answer against `schema`. Tolerates what local servers in json_object
 * mode often add (a ```json fence, an upper-case language code); anything else is
 * `llm_invalid_output`.
 */
export function parseModelJson<S extends z.ZodType>(content: string | null | undefined, schema: S): z.infer<S> {
  if (content === null || content === undefined || content.trim() === '') {
    throw new JamiiError('llm_invalid_output', 'The model returned no content.');
  }
  const trimmed = content.trim();
  const unfenced = FENCED.exec(trimmed)?.[1] ?? trimmed;
  let raw: unknown;
  try {
    raw = JSON.parse(unfenced);
  } catch (error) {
    throw new JamiiError('llm_invalid_output', 'The model did not answer with JSON.', { cause: error });
  }
  if (raw !== null && typeof raw === 'object' && 'language' in raw && typeof raw.language === 'string') {
    raw = { ...raw, language: raw.language.trim().toLowerCase() };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'root'}: ${i.message}`);
    throw new JamiiError('llm_invalid_output', 'The model answer does not match the schema.', { cause: parsed.error, details: { issues } });
  }
  return parsed.data;
}
