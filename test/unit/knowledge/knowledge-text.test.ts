import { describe, expect, it } from 'vitest';
import { knowledgeText } from '../../../src/knowledge/knowledge-text.js';

const utf16 = (text: string, order: 'le' | 'be') => {
  const le = Buffer.from(text, 'utf16le');
  const body = order === 'le' ? le : Buffer.from(le).swap16();
  return Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
};

describe('knowledgeText', () => {
  it('reads UTF-8, with or without a byte-order mark', () => {
    expect(knowledgeText(Buffer.from('# Usafirishaji\nSiku 1-2.'))).toBe('# Usafirishaji\nSiku 1-2.');
    expect(knowledgeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Доставка')]))).toBe('Доставка');
  });

  it('decodes UTF-16 files that start with a byte-order mark, little- and big-endian', () => {
    expect(knowledgeText(utf16('Hello, Доставка 📦\r\n', 'le'))).toBe('Hello, Доставка 📦\r\n');
    expect(knowledgeText(utf16('Hello, Доставка 📦\r\n', 'be'))).toBe('Hello, Доставка 📦\r\n');
  });

  it('drops NUL and other control characters but keeps tabs and line breaks', () => {
    expect(knowledgeText(Buffer.from('a\u0000b\u0007c\u001bd\u007fe\tf\ng\r\nh'))).toBe('abcde\tf\ng\r\nh');
  });

  it('keeps readable text around bytes that are not UTF-8', () => {
    expect(knowledgeText(Buffer.from([0x4f, 0x4b, 0x00, 0xff, 0x21]))).toBe('OK\ufffd!');
  });
});
