/**
 * A claim line's invoice (发票): the claimant uploads the file (PDF, OFD or a scan, checked by its
 * bytes in the document store) with its number, amount and buyer; the line's checks compare them with
 * the order (checks.ts, invoice_matches). The claimant and the offices that see the line download it.
 */
import type { DocumentStore } from '../documents/documents.ts';
import { AppError, badRequest, notFound } from '../../shared/errors.ts';
import type { Lang } from '../../shared/lang.ts';
import type { Actor } from '../auth/actor.ts';
import { batchOr404, lineOf, ownBatch, recordEvent, scopeOf, visibleLines, type SettlementContext } from './context.ts';
import type { BatchView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';
import type { BatchReads } from './views.ts';

/** An invoice file is at most this large (a scanned page or an OFD is well under it). */
export const INVOICE_MAX_BYTES = 10 * 1024 * 1024;

export interface InvoiceInput {
  invoiceNo: string;
  amountFen: number;
  buyer: string;
  name: string;
  bytes: Buffer;
}

export class LineInvoices {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
    private readonly documents: DocumentStore | undefined,
  ) {}

  /** Whether the caller may upload the line's invoice now: asked before a byte of the file is read. */
  async checkUpload(actor: Actor, batchId: number, lineId: number): Promise<void> {
    await this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, batchId);
      editable(b, await lineOf(repo, b, lineId));
    });
  }

  async upload(actor: Actor, batchId: number, lineId: number, input: InvoiceInput, lang: Lang): Promise<BatchView> {
    if (!this.documents) throw new AppError('conflict', 'invoice files are not kept here');
    if (!input.bytes.length) throw badRequest('the file is empty', [{ path: 'body', message: 'empty' }]);
    const b0 = await this.ctx.db.read((tx) => ownBatch(this.ctx.repo.with(tx), actor, batchId));
    // Stored first (its bytes checked), then the line changed in the transaction that re-reads it.
    await this.documents.save(
      { type: 'settlement_line', id: lineId, organisationId: b0.claimantId },
      { kind: 'invoice', fileName: input.name, bytes: input.bytes, uploadedBy: actor.userId },
      async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const b = await ownBatch(repo, actor, batchId);
        const line = await lineOf(repo, b, lineId);
        editable(b, line);
        const other = await repo.lineByInvoice(input.invoiceNo);
        if (other && other.id !== line.id)
          throw badRequest('that invoice number is already claimed', [
            { path: 'query.invoiceNo', message: 'duplicate' },
          ]);
      },
    );
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, batchId);
      const line = await lineOf(repo, b, lineId);
      editable(b, line);
      const doc = (await this.documents!.list({ type: 'settlement_line', id: lineId }, tx)).find(
        (d) => d.kind === 'invoice',
      );
      const now = this.ctx.clock.now();
      await repo.updateLine(line.id, {
        invoiceNo: input.invoiceNo,
        invoiceAmountFen: input.amountFen,
        invoiceBuyer: input.buyer,
        invoiceDocumentId: doc?.id ?? null,
        updatedAt: now,
      });
      await recordEvent(repo, b.id, line.id, 'invoice', line.status, line.status, actor, input.invoiceNo, now);
    });
    return this.reads.viewOf(batchId, lang, actor);
  }

  /** The line's invoice file, for whoever sees the line (the claimant, its reviewing and paying offices). */
  async file(actor: Actor, batchId: number, lineId: number): Promise<{ path: string; name: string; type: string }> {
    if (!this.documents) throw notFound('invoice file');
    const row = await this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await batchOr404(repo, actor, batchId);
      const line = await seenLine(repo, actor, b, lineId);
      if (line.invoiceDocumentId === null) throw notFound('invoice file');
      return this.documents!.get({ type: 'settlement_line', id: line.id }, line.invoiceDocumentId, tx);
    });
    return this.documents.file(row);
  }
}

/** A line's evidence changes while the batch is a draft, or while the line is back with the claimant. */
function editable(b: BatchRow, line: LineRow): void {
  if (!(b.status === 'draft' || line.status === 'returned'))
    throw new AppError('conflict', 'only a draft batch or a returned line can be changed', {
      currentStatus: line.status,
    });
}

async function seenLine(repo: SettlementRepo, actor: Actor, b: BatchRow, lineId: number): Promise<LineRow> {
  const scope = (await scopeOf(repo, actor, b))!;
  const line = visibleLines(await repo.lines(b.id), b, actor, scope).find((l) => l.id === lineId);
  if (!line) throw notFound('line of this batch');
  return line;
}
