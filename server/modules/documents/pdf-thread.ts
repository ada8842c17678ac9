/**
 * PDFs are drawn on a worker thread. pdfkit parses and subsets the Chinese font for every document,
 * 0.25 – 0.6 s of CPU in one piece (measured on the agreement), which on the main thread held every
 * other request that long: the agreements job draws up five a minute, and a finance officer's
 * statement or a payment notice stalled the whole server the same way.
 *
 * One worker, started on first use, draws the documents asked for in turn. It keeps the process alive
 * only while it has work; if it dies, what it was drawing fails and the next document starts a new one.
 */
import { Worker } from 'node:worker_threads';
import type { PdfRenderers } from './pdf-renderers.ts';

type Answer = { id: number; bytes: Uint8Array; error?: undefined } | { id: number; error: string };

class PdfThread {
  private readonly worker = new Worker(new URL('./pdf-worker.mjs', import.meta.url));
  private readonly waiting = new Map<number, { resolve: (bytes: Buffer) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  stopped = false;

  constructor() {
    this.worker.on('message', (answer: Answer) => {
      const task = this.waiting.get(answer.id);
      if (!task) return;
      this.waiting.delete(answer.id);
      if (answer.error !== undefined) task.reject(new Error(`PDF not drawn: ${answer.error}`));
      else task.resolve(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
      if (!this.waiting.size) this.worker.unref();
    });
    const stop = (err: Error) => {
      this.stopped = true;
      for (const task of this.waiting.values()) task.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', (code) => stop(new Error(`the PDF worker stopped (exit code ${code})`)));
  }

  draw(kind: keyof PdfRenderers, args: unknown[]): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ id, kind, args }); // plain data: anything else throws here
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
    });
  }
}

let thread: PdfThread | null = null;

/** The bytes of one of the platform's PDFs, drawn off the main thread. */
export function renderPdf<K extends keyof PdfRenderers>(
  kind: K,
  ...args: Parameters<PdfRenderers[K]>
): Promise<Buffer> {
  if (!thread || thread.stopped) thread = new PdfThread();
  return thread.draw(kind, args);
}
