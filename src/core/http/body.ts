/**
 * Reading a response body: as a stream, with a size cap that holds BEFORE the whole body is in memory
 * (a `Content-Length` over the cap is refused without reading; otherwise the stream is destroyed as
 * soon as the bytes read pass the cap). Parsing them is in ../json.ts.
 */
import type { Response } from 'node-fetch';
import { ReactionsError } from '../errors';

/** The default cap of one response body (the `reactions.maxResponseMegabytes` setting overrides it). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The error of a body over the cap: names the cap, so a person knows which setting to raise. */
export function tooLarge(maxBytes: number, announced?: number): ReactionsError {
  const mb = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  return new ReactionsError(
    'too-large',
    `The server sent a response larger than ${mb(maxBytes)}${announced ? ` (${mb(announced)} announced)` : ''}; it was not read. Raise "reactions.maxResponseMegabytes" if this site really sends that much.`,
  );
}

/**
 * The whole body's bytes, at most `maxBytes`. Throws what the transport throws (a reset or a timeout
 * midway), or a `too-large` ReactionsError when the body passes the cap. Kept as bytes (outside the JS
 * heap) until parsed: see ../json.ts for why a big body never becomes one big string.
 */
export async function readBytes(res: Response, maxBytes = DEFAULT_MAX_RESPONSE_BYTES): Promise<Buffer> {
  const announced = Number(res.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > maxBytes) {
    destroy(res);
    throw tooLarge(maxBytes, announced);
  }
  const body = res.body as NodeJS.ReadableStream | null;
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buf.length;
    if (total > maxBytes) {
      destroy(res);
      throw tooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** The start of a body as text, for an error message: at most `maxBytes` bytes decoded. */
export function textOf(bytes: Buffer, maxBytes = 64 * 1024): string {
  return bytes.toString('utf8', 0, Math.min(bytes.length, maxBytes));
}

function destroy(res: Response): void {
  const body = res.body as unknown as { destroy?: () => void } | null;
  body?.destroy?.();
}

/** Drops a body we will not read (a redirect's), so the connection can be reused. */
export function discard(res: Response): void {
  res.body?.resume?.();
}
