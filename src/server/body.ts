import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { Context } from 'hono';
import { badRequest } from './errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

function tooLarge(limit: number, what: string): Error {
  return badRequest('request_too_large', `the request body is over ${Math.round(limit / 1024)} KB (${what}); split it into smaller batches`, { limit });
}

/** The raw body, read from the Node request when there is one (faster than the web stream). */
async function rawBody(c: Context, limit: number): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit, 'Content-Length');
  if (incoming && !incoming.readableEnded) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        incoming.resume();
        throw tooLarge(limit, 'as sent');
      }
      chunks.push(chunk);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  }
  const buffer = Buffer.from(await c.req.arrayBuffer());
  if (buffer.length > limit) throw tooLarge(limit, 'as sent');
  return buffer;
}

/** A request's JSON body, parsed, and its text. */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

/**
 * The JSON body, whatever the Content-Type says (RudderStack's Node client sends gzip labelled
 * as a form), decompressed when Content-Encoding says gzip or deflate or the bytes are gzip's.
 * The limit applies after decompression too.
 */
export async function readJsonBody(c: Context, limit: number): Promise<JsonBody> {
  let body = await rawBody(c, limit);
  const encoding = (c.req.header('content-encoding') ?? '').toLowerCase();
  try {
    if (encoding === 'gzip' || (body[0] === 0x1f && body[1] === 0x8b)) body = await gunzipAsync(body, { maxOutputLength: limit });
    else if (encoding === 'deflate') body = await inflateAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit, 'decompressed');
    throw badRequest('invalid_body', `cannot decompress the body (${encoding || 'gzip'}): ${(error as Error).message}`);
  }
  if (body.length === 0) throw badRequest('invalid_json', 'the request body is empty; expected a JSON object');
  const text = body.toString('utf8');
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch (error) {
    throw badRequest('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
