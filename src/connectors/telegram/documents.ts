/**
 * Text files attached to a command: an admin sends a long prompt as a document with the caption
 * `/prompt set NAME`, and the file's text becomes the rest of the command. Only small UTF-8 text
 * files are read; anything else is refused with a message saying why.
 */
import type { Api, RawApi } from 'grammy';
import { JamiiError } from '../../core/errors.js';
import type { TelegramDocument } from './parse.js';

/** Largest attached file read as command text (the longest prompt Jamii accepts is far below). */
export const TELEGRAM_COMMAND_FILE_MAX_BYTES = 64_000;
export const TELEGRAM_FILE_DOWNLOAD_TIMEOUT_MS = 15_000;
const TEXT_FILE_NAME = /\.(md|markdown|txt)$/i;

export function isTextDocument(doc: TelegramDocument): boolean {
  return (doc.mimeType?.startsWith('text/') ?? false) || TEXT_FILE_NAME.test(doc.fileName ?? '');
}

/** Reads an attached document as text, through the Bot API's getFile and file download. */
export function createDocumentReader(deps: { api: Api<RawApi>; apiRoot: string; token: string }): (doc: TelegramDocument) => Promise<string> {
  const tooLarge = () => new JamiiError('text_too_long', `The attached file is larger than ${TELEGRAM_COMMAND_FILE_MAX_BYTES / 1000} kB.`);
  return async (doc) => {
    if (!isTextDocument(doc)) throw new JamiiError('invalid_input', 'Attach the text as a .md or .txt file.');
    if ((doc.size ?? 0) > TELEGRAM_COMMAND_FILE_MAX_BYTES) throw tooLarge();
    const file = await deps.api.getFile(doc.fileId);
    if ((file.file_size ?? 0) > TELEGRAM_COMMAND_FILE_MAX_BYTES) throw tooLarge();
    if (!file.file_path) throw new JamiiError('connector_unavailable', 'Telegram did not say where the file is; send it again.');
    // The download URL holds the token: it is never logged, and a failure is reported without it.
    let response: Response;
    try {
      response = await fetch(`${deps.apiRoot}/file/bot${deps.token}/${file.file_path}`, { signal: AbortSignal.timeout(TELEGRAM_FILE_DOWNLOAD_TIMEOUT_MS) });
    } catch {
      throw new JamiiError('connector_unavailable', 'The attached file could not be downloaded from Telegram; send it again.');
    }
    if (!response.ok) throw new JamiiError('connector_unavailable', `Telegram answered ${response.status} for the attached file; send it again.`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > TELEGRAM_COMMAND_FILE_MAX_BYTES) throw tooLarge();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      throw new JamiiError('invalid_input', 'The attached file is not UTF-8 text.');
    }
  };
}
