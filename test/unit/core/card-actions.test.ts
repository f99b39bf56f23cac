import { describe, expect, it } from 'vitest';
import { cardActionId, heldEditVersion, parseCardAction } from '../../../src/core/card-actions.js';

describe('card button ids', () => {
  it('read back what they name, with the version a Post anyway carries', () => {
    expect(parseCardAction('approve:12')).toEqual({ command: 'approve', draftId: 12, version: null });
    const id = cardActionId('confirm', 12, heldEditVersion('@everyone doors open at 9'));
    expect(parseCardAction(id)).toEqual({ command: 'confirm', draftId: 12, version: heldEditVersion('@everyone doors open at 9') });
    for (const bad of ['approve', 'approve:', 'approve:12:', 'Approve:12', 'approve:12:x:y', 'approve:-1', 'approve:12:abcdefghijk', 'confirm:12:abc', `confirm:12:${'a'.repeat(12)}`]) expect(parseCardAction(bad)).toBeNull();
  });

  it('fit the tightest platform limit (Telegram callback data, 64 bytes) for the largest draft number', () => {
    const id = cardActionId('confirm', Number.MAX_SAFE_INTEGER % 1e15, heldEditVersion('x'.repeat(4096)));
    expect(Buffer.byteLength(id, 'utf8')).toBeLessThanOrEqual(64);
    expect(parseCardAction(id)?.draftId).toBe(Number.MAX_SAFE_INTEGER % 1e15);
  });

  it('tell held edits apart by a short, stable version', () => {
    const texts = ['@everyone doors open at 9', '@everyone doors open at 8', '@everyone doors open at 9 ', 'Tickets: https://free-tickets.example.net/claim', ''];
    const versions = texts.map(heldEditVersion);
    expect(new Set(versions).size).toBe(texts.length);
    expect(versions.every((v) => /^[0-9a-z]{11}$/.test(v))).toBe(true);
    expect(heldEditVersion('@everyone doors open at 9')).toBe(versions[0]);
  });
});
