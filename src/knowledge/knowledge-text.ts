/**
 * A knowledge file's bytes as text: UTF-8 unless a byte-order mark says UTF-16 (Notepad's
 * "Unicode" .txt), with NUL and other control characters removed (tab and line breaks stay).
 * Postgres refuses NUL in text, and a control character in a prompt is never prose.
 */

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;
const UTF16BE_BOM = [0xfe, 0xff] as const;

// C0 controls except tab, line feed and carriage return; DEL.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

function encodingOf(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bomBytes: number } {
  if (startsWith(bytes, UTF8_BOM)) return { encoding: 'utf-8', bomBytes: UTF8_BOM.length };
  if (startsWith(bytes, UTF16LE_BOM)) return { encoding: 'utf-16le', bomBytes: UTF16LE_BOM.length };
  if (startsWith(bytes, UTF16BE_BOM)) return { encoding: 'utf-16be', bomBytes: UTF16BE_BOM.length };
  return { encoding: 'utf-8', bomBytes: 0 };
}

/** Decodes a knowledge file (bytes a decoder cannot read become U+FFFD) and drops control characters. */
export function knowledgeText(bytes: Uint8Array): string {
  const { encoding, bomBytes } = encodingOf(bytes);
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bomBytes));
  return text.replace(CONTROL_CHARACTERS, '');
}
