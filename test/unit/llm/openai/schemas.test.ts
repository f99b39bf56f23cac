import { describe, expect, it } from 'vitest';
import { isJamiiError } from '../../../../src/core/errors.js';
import { classificationSchema, draftOutputSchema, parseModelJson, responseFormat } from '../../../../src/llm/openai/schemas.js';
import { strictSchemaProblem } from '../../../support/fake-openai-server.js';

const validDraft = { reply: 'Hi Amina', language: 'en', sources: [1], translation: null, reason: 'Answered from the FAQ.' };

function invalidOutput(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    expect(isJamiiError(error) && error.code).toBe('llm_invalid_output');
    return isJamiiError(error) ? error.details : {};
  }
  throw new Error('expected llm_invalid_output');
}

describe('responseFormat', () => {
  it.each([
    ['classification', classificationSchema],
    ['draft', draftOutputSchema],
  ])('turns the %s schema into a strict json_schema the API accepts', (_, schema) => {
    const format = responseFormat('json_schema', 'jamii_test', schema);
    if (format.type !== 'json_schema') throw new Error('expected json_schema');
    expect(format.json_schema).toMatchObject({ name: 'jamii_test', strict: true });
    expect(format.json_schema.schema).not.toHaveProperty('$schema');
    expect(strictSchemaProblem(format.json_schema.schema)).toBeNull();
    expect(JSON.stringify(format.json_schema.schema)).not.toMatch(/"(minLength|maxLength)"/);
  });

  it('asks only for a JSON object in json_object mode', () => {
    expect(responseFormat('json_object', 'jamii_test', draftOutputSchema)).toEqual({ type: 'json_object' });
  });
});

describe('parseModelJson', () => {
  it('returns the validated answer', () => {
    expect(parseModelJson(JSON.stringify(validDraft), draftOutputSchema)).toEqual(validDraft);
  });

  it('reads an answer in a ```json fence and lower-cases the language code', () => {
    expect(parseModelJson('```json\n' + JSON.stringify({ ...validDraft, language: ' SW ' }) + '\n```', draftOutputSchema).language).toBe('sw');
  });

  it('refuses no content, text that is not JSON, and JSON off the schema, listing the issues', () => {
    invalidOutput(() => parseModelJson(null, draftOutputSchema));
    invalidOutput(() => parseModelJson('Sure! Here you go.', draftOutputSchema));
    const details = invalidOutput(() => parseModelJson(JSON.stringify({ ...validDraft, sources: [0], extra: true }), draftOutputSchema));
    expect(details.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^sources\.0:/), expect.stringMatching(/^root:/)]));
    invalidOutput(() => parseModelJson(JSON.stringify({ ...validDraft, reply: '   ' }), draftOutputSchema));
  });

  it('refuses a severity outside 0-3', () => {
    const labels = { language: 'en', is_question: false, is_negative: true, severity: 5, topic: null, needs_reply: true, reason: 'x' };
    invalidOutput(() => parseModelJson(JSON.stringify(labels), classificationSchema));
  });
});
