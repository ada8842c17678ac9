/** The PDF thread's worker (see pdf-thread.ts): draws each document it is asked for, in turn. */
import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { pdfRenderers, type PdfRenderers } from './pdf-renderers.ts';

interface Ask {
  id: number;
  kind: keyof PdfRenderers;
  args: unknown[];
}

// Below the requests: when the cores are busy they go to answering requests first. Linux gives each
// thread a nice value of its own (setpriority on the thread's id); elsewhere the worker stays as it is.
try {
  os.setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // not Linux, or not allowed: drawn at the server's priority
}

parentPort!.on('message', ({ id, kind, args }: Ask) => {
  const render = pdfRenderers[kind] as (...a: unknown[]) => Promise<Buffer>;
  render(...args).then(
    (bytes) => parentPort!.postMessage({ id, bytes }),
    (err: unknown) => parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
