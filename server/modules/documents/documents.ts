/**
 * Documents people upload with a registration or an application (business licence, authorisation
 * letter, SME certificate): PDF, JPEG or PNG by their bytes (an HTML file named licence.pdf is
 * refused), kept in the file store (the database on PostgreSQL, so every node serves them) and listed
 * in `documents`. Who may upload, see or remove a subject's documents is the caller's to check first.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database, Queryable } from '../../../db/port.ts';
import { documents, type DocumentKind, type ReviewSubject } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import {
  DOCUMENT_KINDS,
  INVOICE_KINDS,
  downloadName,
  servedAs,
  sniffFile,
  type FileStorage,
} from '../../shared/files.ts';

/** The largest document accepted (a scanned licence is well under this). */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface DocumentView {
  id: number;
  kind: DocumentKind;
  fileName: string;
  mime: string;
  size: number;
  uploadedAt: string;
  /** Where it downloads from (the caller's route). */
  url: string;
}

export interface Subject {
  type: ReviewSubject;
  id: number;
  organisationId: number;
}

type DocumentRow = typeof documents.$inferSelect;

export class DocumentStore {
  constructor(
    private readonly db: Database,
    private readonly files: FileStorage,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the bytes, stores the file and lists it; a document of the same kind the subject had is
   * marked removed (one licence at a time). `recheck` runs in the writing transaction (the subject may
   * have moved on while the file arrived); a throw there leaves nothing stored.
   */
  async save(
    subject: Subject,
    input: { kind: DocumentKind; fileName: string; bytes: Buffer; uploadedBy: number },
    recheck?: (tx: Queryable) => Promise<void>,
  ): Promise<DocumentRow> {
    // Invoices may also be OFD (China's electronic invoices); other documents are PDF or a scan.
    const invoice = input.kind === 'invoice';
    const sniffed = await sniffFile(input.bytes, invoice ? INVOICE_KINDS : DOCUMENT_KINDS, input.fileName);
    if (!sniffed.kind) {
      throw new AppError(
        'unsupported_media_type',
        invoice ? 'invoices are PDF or OFD files or JPEG or PNG scans' : 'documents are PDF files or JPEG or PNG scans',
        [{ path: 'body', message: sniffed.found ? `not accepted: ${sniffed.found}` : 'not a recognised file type' }],
      );
    }
    const stored = await this.files.save('documents', `${subject.type}-${subject.id}`, sniffed.ext, input.bytes);
    try {
      return await this.db.write(async (tx) => {
        await recheck?.(tx);
        const now = this.clock.now();
        // Attachments (of a testing need) are many; every other kind is one at a time.
        if (input.kind !== 'attachment')
          await tx.orm
            .update(documents)
            .set({ removedAt: now })
            .where(
              and(
                eq(documents.subjectType, subject.type),
                eq(documents.subjectId, subject.id),
                eq(documents.kind, input.kind),
                isNull(documents.removedAt),
              ),
            )
            .run();
        return (await tx.orm
          .insert(documents)
          .values({
            organisationId: subject.organisationId,
            subjectType: subject.type,
            subjectId: subject.id,
            kind: input.kind,
            storedName: stored,
            fileName: downloadName(input.fileName, sniffed.mime),
            mime: sniffed.mime,
            size: input.bytes.length,
            uploadedBy: input.uploadedBy,
            uploadedAt: now,
          })
          .returning()
          .get())!;
      });
    } catch (err) {
      await this.files.remove(stored);
      throw err;
    }
  }

  /** The subject's current documents, oldest first. */
  async list(subject: Pick<Subject, 'type' | 'id'>, q: Queryable = this.db): Promise<DocumentRow[]> {
    return q.orm
      .select()
      .from(documents)
      .where(
        and(eq(documents.subjectType, subject.type), eq(documents.subjectId, subject.id), isNull(documents.removedAt)),
      )
      .orderBy(asc(documents.id))
      .all();
  }

  /** One document of the subject (404 when it is another's, or removed). */
  async get(subject: Pick<Subject, 'type' | 'id'>, id: number, q: Queryable = this.db): Promise<DocumentRow> {
    const row = await q.orm.select().from(documents).where(eq(documents.id, id)).get();
    if (!row || row.subjectType !== subject.type || row.subjectId !== subject.id || row.removedAt !== null)
      throw notFound('document');
    return row;
  }

  /** The file of a document, for `sendDownload`. */
  async file(row: DocumentRow): Promise<{ path: string; name: string; type: string }> {
    return { path: await this.files.path(row.storedName), ...servedAs(row.fileName, row.mime) };
  }

  /** The kinds a subject has (to check that a registration carries its licence). */
  async kinds(subject: Pick<Subject, 'type' | 'id'>, q: Queryable = this.db): Promise<Set<DocumentKind>> {
    return new Set((await this.list(subject, q)).map((d) => d.kind));
  }

  view(row: DocumentRow, url: string): DocumentView {
    return {
      id: row.id,
      kind: row.kind,
      fileName: row.fileName,
      mime: row.mime,
      size: row.size,
      uploadedAt: new Date(row.uploadedAt).toISOString(),
      url,
    };
  }
}
