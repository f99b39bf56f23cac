import { describe, expect, it } from 'vitest';
import { errorCauseCodes, neverConnected } from '../../../src/core/errors.js';

const nodeError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, errno: -111 });

describe('errorCauseCodes and neverConnected', () => {
  it("follow each SDK's way of wrapping Node's network error", () => {
    const grammy = Object.assign(new Error('Network request failed'), { error: nodeError('ECONNREFUSED') });
    const slack = Object.assign(new Error('A request error occurred'), { code: 'slack_webapi_request_error', original: nodeError('ENOTFOUND') });
    const discord = new Error('fetch failed', { cause: nodeError('EHOSTUNREACH') });
    expect(errorCauseCodes(grammy)).toEqual(['ECONNREFUSED']);
    expect(errorCauseCodes(slack)).toEqual(['slack_webapi_request_error', 'ENOTFOUND']);
    expect(errorCauseCodes(discord)).toEqual(['EHOSTUNREACH']);
    for (const e of [grammy, slack, discord]) expect(neverConnected(e)).toBe(true);
  });

  it('says nothing was sent only when no connection was made', () => {
    expect(neverConnected(new Error('socket hang up', { cause: nodeError('ECONNRESET') }))).toBe(false);
    expect(neverConnected(new Error('timeout'))).toBe(false);
    expect(neverConnected('not an error')).toBe(false);
  });

  it('stops on a cycle after a few links', () => {
    const a: Record<string, unknown> = { code: 'A' };
    a.cause = a;
    expect(errorCauseCodes(a)).toHaveLength(6);
  });
});
