/**
 * A binary-safe multipart/form-data reader for the platform fakes: grammY uploads files this
 * way (fields, then `attach://id` file parts with lower-case headers), discord.js too
 * (`payload_json` and `files[n]`). Fields come back as text, files with their bytes.
 */

/** An uploaded file as the fake received it. */
export interface UploadedFile {
  /** The form field the file came in (`files[0]`, or grammY's random attach id). */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: UploadedFile[];
}

const CRLF2 = Buffer.from('\r\n\r\n');

export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const out: MultipartBody = { fields: {}, files: [] };
  if (!boundary) return out;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]!.trim()}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf(CRLF2);
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      let content = part.subarray(headerEnd + CRLF2.length);
      if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
      const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
      if (name !== undefined) {
        if (filename !== undefined) out.files.push({ field: name, filename, contentType: type.trim(), data: Buffer.from(content) });
        else out.fields[name] = content.toString('utf8');
      }
    }
    at = next;
  }
  return out;
}
