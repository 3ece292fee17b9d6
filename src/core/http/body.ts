/**
 * Reading a response body. Today a body is read whole as text and parsed as JSON; this is the one place
 * where a size cap (read as a stream, stopping at the cap) belongs.
 */
import type { Response } from 'node-fetch';

/** The whole body as text. Throws what the transport throws (a reset or timeout midway). */
export function readText(res: Response): Promise<string> {
  return res.text();
}

/** Drops a body we will not read (a redirect's), so the connection can be reused. */
export function discard(res: Response): void {
  res.body?.resume?.();
}

/** The parsed JSON, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
