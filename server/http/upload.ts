/**
 * Uploads whose request body is the file itself, and stored files going back out.
 *
 * A route checks who may upload (session, role, ownership, state) before it calls readUpload, so a
 * refused caller never gets a byte of its body read. readUpload refuses a declared Content-Length over
 * the limit before reading, and a body that grows past the limit (chunked, or lying about its length)
 * where it crosses it. A refused body is left unread; the problem handler then closes the connection.
 */
import type { Request, Response } from 'express';
import { AppError } from '../shared/errors.ts';

const MB = 1024 * 1024;

export function readUpload(req: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new AppError('payload_too_large', `the file is larger than ${Math.floor(maxBytes / MB)} MB`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(tooLarge());
  if (req.readableEnded) {
    // A body parser of the API (JSON) has read it already: the file was sent as something it is not.
    return Promise.reject(
      new AppError('unsupported_media_type', 'send the file itself as the request body, with its own content type'),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) {
        req.pause(); // read no further: the answer goes out and the connection closes
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new AppError('validation', 'the upload was interrupted'));
    const onClose = () => {
      if (!req.complete) onError();
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * A stored file as a download: the type found when it was uploaded, always saved (never shown) under
 * its name, and sandboxed should a browser render it anyway.
 */
export function sendDownload(res: Response, file: { path: string; type: string; name: string }): void {
  res
    .attachment(file.name) // attachment; filename="…" (ASCII fallback); filename*=UTF-8''…
    .set({
      'Content-Type': file.type, // after attachment(), which would take it from the name
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    })
    .sendFile(file.path, { dotfiles: 'deny' });
}

/**
 * A stored image, shown inline. Its URL names one upload (a new photo gets a new URL), so browsers and
 * proxies may keep it for a year.
 */
export function sendImage(res: Response, file: { path: string; type: string }): void {
  res
    .set({
      'Content-Type': file.type,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
    })
    .sendFile(file.path, { dotfiles: 'deny' });
}

/** Whether the request's body is still (partly) unread: after an early refusal the connection is closed. */
export const bodyUnread = (req: Request): boolean => !req.complete;
