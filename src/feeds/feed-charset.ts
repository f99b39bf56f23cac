/**
 * Feed bytes to text in the feed's own encoding. Regional news sites still serve windows-1251,
 * ISO-8859-1, Shift_JIS or KOI8-R feeds; read as UTF-8 they turn into U+FFFD.
 *
 * The encoding is, in order: a byte-order mark (it is in the bytes themselves, so it wins over
 * what a server's default says, as in RFC 7303 and the WHATWG Encoding standard's decode), the
 * Content-Type charset, the XML declaration's encoding, else UTF-8 (JSON Feed's only encoding).
 * A label TextDecoder does not know is read as UTF-8, with a warning: a feed with a typo in its
 * charset is still mostly readable.
 */
import { TextDecoder } from 'node:util';
import type { Logger } from '../core/ports.js';

/** Bytes read at the start of a document for its XML declaration. */
export const XML_DECLARATION_MAX_BYTES = 1024;

export type FeedEncodingSource = 'bom' | 'content-type' | 'xml-declaration' | 'default';

const BYTE_ORDER_MARKS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
];

const CHARSET_PARAM = /;\s*charset\s*=\s*"?([^";\s]+)/i;
const XML_DECLARATION_ENCODING = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/;

function byteOrderMark(bytes: Uint8Array): string | null {
  return BYTE_ORDER_MARKS.find((bom) => bom.bytes.every((b, i) => bytes[i] === b))?.encoding ?? null;
}

/** The encoding label a feed names for itself, and where it was found. */
export function feedEncoding(bytes: Uint8Array, contentType: string | null): { label: string; source: FeedEncodingSource } {
  const bom = byteOrderMark(bytes);
  if (bom) return { label: bom, source: 'bom' };
  const header = contentType ? CHARSET_PARAM.exec(contentType)?.[1] : undefined;
  if (header) return { label: header, source: 'content-type' };
  // A declaration readable as ASCII is in an ASCII-compatible encoding: it cannot be UTF-16.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, XML_DECLARATION_MAX_BYTES)).toString('latin1');
  const declared = XML_DECLARATION_ENCODING.exec(head)?.[1];
  if (declared && !/^utf-?16/i.test(declared)) return { label: declared, source: 'xml-declaration' };
  return { label: 'utf-8', source: 'default' };
}

/** The feed's text, decoded as it says it is encoded (see the module comment). */
export function decodeFeed(bytes: Uint8Array, contentType: string | null, context: { url: string; log: Logger }): string {
  const { label, source } = feedEncoding(bytes, contentType);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    context.log.warn({ url: context.url, charset: label, source }, 'feed.unknown_charset');
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}
