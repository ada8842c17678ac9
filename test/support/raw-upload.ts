/**
 * Uploads through a real socket, for what supertest cannot show: when the answer comes while the
 * client is still sending (a server that reads the whole body first answers only after it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';

/** The app on a loopback port; its base URL and how to stop it. */
export async function listen(app: Express): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A session cookie (`sid=…`) for a demo account. */
export async function sessionCookie(app: Express, email: string): Promise<string> {
  const res = await request(app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
  return res.headers['set-cookie']![0]!.split(';')[0]!;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Body bytes the client had written when the answer came. */
  sent: number;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/**
 * A PUT through a real socket that writes `send` bytes of body (all of them, or until the answer comes)
 * and then waits: an answer that needs the whole declared body never comes, and the test times out.
 */
export function rawUpload(
  url: string,
  opts: { cookie?: string; length?: number; send: number; type?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PUT',
      agent: false,
      headers: {
        'Content-Type': opts.type ?? 'application/pdf',
        'Accept-Language': 'en',
        ...(opts.cookie ? { Cookie: opts.cookie } : {}),
        ...(opts.length !== undefined ? { 'Content-Length': String(opts.length) } : {}),
      },
    });
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const at = sent;
      const closed = new Promise<void>((done) => res.socket.once('close', () => done()));
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: JSON.parse(Buffer.concat(chunks).toString()),
          sent: at,
          closed,
        }),
      );
    });
    // Once answered, the server closing the connection under the rest of the upload is expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x25);
    const pump = () => {
      while (!answered && sent < opts.send) {
        const n = Math.min(chunk.length, opts.send - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
