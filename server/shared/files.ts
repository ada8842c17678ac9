/**
 * Files people upload (service reports, instrument photos). What a file is comes from its bytes
 * (magic numbers, npm `file-type`), never from the uploader's Content-Type or name: only the kinds
 * a use allows are kept, stored under a name the platform chooses, and served with the type found.
 *
 * Where they are kept (`FileStorage`): a folder of this machine, or — for several server nodes — the
 * database (`stored_files`), which every node reaches. PostgreSQL installations use the database,
 * SQLite ones the folder (`openFileStore`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Database } from '../../db/port.ts';

interface FileKind {
  /** The type the file is served with. */
  mime: string;
  /** Name extensions that fit the kind; the first is the one a name without them gets. */
  names: readonly string[];
}

/** Kinds the platform keeps, by file-type's extension. */
const KINDS = {
  pdf: { mime: 'application/pdf', names: ['pdf'] },
  png: { mime: 'image/png', names: ['png'] },
  jpg: { mime: 'image/jpeg', names: ['jpg', 'jpeg'] },
  webp: { mime: 'image/webp', names: ['webp'] },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', names: ['docx'] },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', names: ['xlsx'] },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', names: ['pptx'] },
  // Legacy Word, Excel and PowerPoint files are all OLE compound files (D0 CF 11 E0): file-type says `cfb`.
  cfb: { mime: 'application/x-cfb', names: ['doc', 'xls', 'ppt'] },
  zip: { mime: 'application/zip', names: ['zip'] },
  // OFD (GB/T 33190, China's electronic invoices): a zip container whose root holds OFD.xml.
  ofd: { mime: 'application/ofd', names: ['ofd'] },
} satisfies Record<string, FileKind>;

export type FileKindName = keyof typeof KINDS;

/** Folders of the file store: service reports, instrument photos, registration and application documents, import sheets. */
export type FileFolder = 'reports' | 'photos' | 'documents' | 'imports';

/** A legacy Office file is served with the type its name says, when it says one (Word otherwise). */
const LEGACY_OFFICE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/**
 * Every type a stored file goes out as, with the name extensions that fit it (the first is the one a
 * name without them gets). CSV and plain text are the types the platform kept before it read types
 * from the bytes; as sandboxed attachments they are harmless, so those old reports keep them.
 */
const SERVED: Record<string, readonly string[]> = {
  ...Object.fromEntries(
    Object.values(KINDS)
      .filter((k) => k.mime !== KINDS.cfb.mime)
      .map((k) => [k.mime, k.names]),
  ),
  ...Object.fromEntries(Object.entries(LEGACY_OFFICE).map(([ext, mime]) => [mime, [ext]])),
  'text/csv': ['csv'],
  'text/plain': ['txt'],
};

export const REPORT_KINDS: readonly FileKindName[] = [
  'pdf',
  'png',
  'jpg',
  'webp',
  'docx',
  'xlsx',
  'pptx',
  'cfb',
  'zip',
];
export const PHOTO_KINDS: readonly FileKindName[] = ['jpg', 'png', 'webp'];
/** Licences, authorisation letters, certificates: scans as PDF or images. */
export const DOCUMENT_KINDS: readonly FileKindName[] = ['pdf', 'jpg', 'png'];
/** Invoices (发票): PDF, OFD or a scan. */
export const INVOICE_KINDS: readonly FileKindName[] = ['pdf', 'ofd', 'jpg', 'png'];

/** The types files of these kinds are served with: the content types of a download in the API reference. */
export function typesOfKinds(kinds: readonly FileKindName[]): string[] {
  return [...new Set(kinds.flatMap((k) => (k === 'cfb' ? Object.values(LEGACY_OFFICE) : [KINDS[k].mime])))];
}

/** The MIME type of a stored photo, from the extension the platform gave it. */
export const PHOTO_TYPES: Record<string, string> = { jpg: KINDS.jpg.mime, png: KINDS.png.mime, webp: KINDS.webp.mime };

export interface SniffedFile {
  kind: FileKindName;
  /** The stored name's extension. */
  ext: string;
  /** The type the file is served with. */
  mime: string;
}

/**
 * What the bytes are, if it is one of `allowed`; otherwise `kind: null` and what they looked like.
 * `name` (the uploader's) only chooses between Word, Excel and PowerPoint for a legacy Office file.
 */
export async function sniffFile(
  bytes: Buffer,
  allowed: readonly FileKindName[],
  name = '',
): Promise<SniffedFile | { kind: null; found: string | null }> {
  const type = await fileTypeFromBuffer(bytes);
  const ext = type?.ext === 'zip' && allowed.includes('ofd') && isOfd(bytes) ? 'ofd' : type?.ext;
  const kind = allowed.find((k) => k === ext);
  if (!kind) return { kind: null, found: type?.mime ?? null };
  const mime = kind === 'cfb' ? (LEGACY_OFFICE[extensionOf(name) ?? ''] ?? LEGACY_OFFICE.doc!) : KINDS[kind].mime;
  return { kind, ext: SERVED[mime]![0]!, mime };
}

/**
 * Whether a zip container is an OFD document: its central directory lists OFD.xml at the root (the
 * entry point GB/T 33190 requires). Read from the bytes, never from the name.
 */
export function isOfd(bytes: Buffer): boolean {
  const entry = Buffer.from('PK\x01\x02', 'latin1');
  for (let at = bytes.indexOf(entry); at >= 0 && at + 46 <= bytes.length; at = bytes.indexOf(entry, at + 4)) {
    const nameLength = bytes.readUInt16LE(at + 28);
    if (bytes.subarray(at + 46, at + 46 + nameLength).toString('latin1') === 'OFD.xml') return true;
  }
  return false;
}

const extensionOf = (name: string) => /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? null;

/**
 * The name a download of type `mime` is saved under: the uploader's, without control characters or
 * path separators, ending in an extension that fits the type (report.html holding a PDF becomes
 * report.html.pdf; a type the platform does not serve, .bin), so a saved file never opens as something else.
 */
export function downloadName(name: string, mime: string): string {
  const clean = [...name]
    .map((c) => (c < ' ' || c === '\u007f' || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .trim()
    .slice(0, 120);
  const fitting = SERVED[mime] ?? ['bin'];
  const own = extensionOf(clean);
  if (clean && own && fitting.includes(own)) return clean;
  return `${clean || 'file'}.${fitting[0]}`;
}

/**
 * How a stored file goes out: its stored type when it is one the platform serves (anything else, such
 * as a type an uploader declared before files were sniffed, as application/octet-stream), under a
 * name whose extension fits that type.
 */
export function servedAs(name: string, type: string | null): { name: string; type: string } {
  const mime = (type ?? '').split(';')[0]!.trim().toLowerCase();
  const served = SERVED[mime] ? mime : 'application/octet-stream';
  return { name: downloadName(name, served), type: served };
}

/** The type a stored file of this name extension is kept with (`pdf` → application/pdf). */
export function typeOfExtension(ext: string): string {
  for (const [mime, names] of Object.entries(SERVED)) if (names.includes(ext)) return mime;
  return 'application/octet-stream';
}

/**
 * The platform's file folder, synchronously: what the booking and catalogue modules call until they
 * move to `FileStorage` (the same three calls, awaited), which can also keep files in the database.
 */
export class FileStore {
  constructor(readonly dir: string) {}

  /** Writes `bytes` as `<folder>/<prefix>-<random>.<ext>` and answers that relative path. */
  save(folder: FileFolder, prefix: string, ext: string, bytes: Buffer): string {
    const relative = `${folder}/${prefix}-${randomBytes(8).toString('hex')}.${ext}`;
    fs.mkdirSync(path.join(this.dir, folder), { recursive: true });
    fs.writeFileSync(path.join(this.dir, relative), bytes, { flag: 'wx' });
    return relative;
  }

  /** The absolute path of a stored file; a path leading out of the folder is refused. */
  path(relative: string): string {
    const root = path.resolve(this.dir);
    const full = path.resolve(root, relative);
    if (!full.startsWith(root + path.sep)) throw new RangeError(`not a stored file: ${relative}`);
    return full;
  }

  /**
   * Removes a stored file once nothing refers to it. A file already gone is fine; a file that cannot
   * be removed is logged, not thrown: the change that replaced it has been committed.
   */
  remove(relative: string | null | undefined): void {
    if (!relative) return;
    try {
      fs.unlinkSync(this.path(relative));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`[files] could not remove ${relative}:`, err);
    }
  }
}

/**
 * Where uploaded files are kept: the same calls whichever store (`openFileStore`).
 *
 * - `save` stores the bytes under a new name the platform makes up (`<folder>/<prefix>-<random>.<ext>`)
 *   and answers it; nothing is ever stored twice under one name, and a name's bytes never change.
 * - `path` answers a file on this node's disk holding the stored bytes, for `res.sendFile`; when
 *   nothing is stored under the name, a path where no file is (so the answer is a 404, as for a file
 *   gone from the folder).
 * - `remove` removes a stored file once nothing refers to it (gone already is fine; a failure is
 *   logged, not thrown: the change that replaced it has been committed).
 */
export interface FileStorage {
  readonly kind: FileStoreKind;
  save(folder: FileFolder, prefix: string, ext: string, bytes: Buffer): Promise<string>;
  path(relative: string): Promise<string>;
  remove(relative: string | null | undefined): Promise<void>;
  /** The stored bytes (null when none). */
  read(relative: string): Promise<Buffer | null>;
}

/**
 * `disk`: a folder of this machine — enough for one server (its WORKERS processes share the folder).
 * `database`: the table `stored_files`, which every node reaches — what several nodes need.
 */
export type FileStoreKind = 'disk' | 'database';

/**
 * The store for a database: on PostgreSQL (the engine of several nodes) the database; on SQLite (one
 * machine) the folder, as before — its files stay where earlier versions put them. `kind` overrides.
 * `dir` is the folder (disk), or this node's cache of files read from the database.
 */
export function openFileStore(db: Database, dir: string, kind?: FileStoreKind): FileStorage {
  const chosen = kind ?? (db.engine === 'postgres' ? 'database' : 'disk');
  return chosen === 'database' ? new DatabaseFileStore(db, dir) : new DiskFileStore(dir);
}

/** The name a new file is stored under. */
const newName = (folder: string, prefix: string, ext: string) =>
  `${folder}/${prefix}-${randomBytes(8).toString('hex')}.${ext}`;

/** `relative` under `root`, refusing a name that leads out of it. */
function under(root: string, relative: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  if (!full.startsWith(base + path.sep)) throw new RangeError(`not a stored file: ${relative}`);
  return full;
}

/** Files in a folder of this machine (the `FileStore` calls, awaited). */
export class DiskFileStore implements FileStorage {
  readonly kind = 'disk' as const;
  private readonly store: FileStore;

  constructor(readonly dir: string) {
    this.store = new FileStore(dir);
  }

  async save(folder: FileFolder, prefix: string, ext: string, bytes: Buffer): Promise<string> {
    return this.store.save(folder, prefix, ext, bytes);
  }

  async path(relative: string): Promise<string> {
    return this.store.path(relative);
  }

  async remove(relative: string | null | undefined): Promise<void> {
    this.store.remove(relative);
  }

  async read(relative: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.store.path(relative));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/**
 * Files in the database (`stored_files`), for several nodes: a file uploaded through one node is
 * served by every other. Each node keeps a copy of what it served in its own folder (`cacheDir`),
 * used while the database still holds the file: a name's bytes never change, and every answer asks
 * the database first whether the name is still stored, so a removed file is a 404 on every node.
 */
export class DatabaseFileStore implements FileStorage {
  readonly kind = 'database' as const;

  constructor(
    private readonly db: Database,
    readonly cacheDir: string,
  ) {}

  /**
   * Written in its own statement, or — called inside a transaction — in that transaction (the port
   * joins it), so the file and the row that refers to it can commit together.
   */
  async save(folder: FileFolder, prefix: string, ext: string, bytes: Buffer): Promise<string> {
    const key = newName(folder, prefix, ext);
    under(this.cacheDir, key);
    await this.db.run(`INSERT INTO stored_files (key, content, type, size, created_at) VALUES (?, ?, ?, ?, ?)`, [
      key,
      bytes,
      typeOfExtension(ext),
      bytes.length,
      Date.now(),
    ]);
    return key;
  }

  async path(relative: string): Promise<string> {
    const full = under(this.cacheDir, relative);
    const size = await this.db.value<number>(`SELECT size FROM stored_files WHERE key = ?`, [relative]);
    if (size === undefined) {
      // Removed (perhaps through another node): this node's copy goes too.
      await fs.promises.rm(full, { force: true });
      return full;
    }
    const cached = await fs.promises.stat(full).catch(() => null);
    if (cached?.size === Number(size)) return full;
    const bytes = await this.read(relative);
    if (!bytes) return full;
    // Written aside and renamed: a request reading the copy never sees half of it.
    await fs.promises.mkdir(path.dirname(full), { recursive: true });
    const partial = `${full}.${randomBytes(4).toString('hex')}.partial`;
    await fs.promises.writeFile(partial, bytes);
    await fs.promises.rename(partial, full);
    return full;
  }

  async remove(relative: string | null | undefined): Promise<void> {
    if (!relative) return;
    try {
      await this.db.run(`DELETE FROM stored_files WHERE key = ?`, [relative]);
      await fs.promises.rm(under(this.cacheDir, relative), { force: true });
    } catch (err) {
      console.warn(`[files] could not remove ${relative}:`, err);
    }
  }

  async read(relative: string): Promise<Buffer | null> {
    const content = await this.db.value<Uint8Array>(`SELECT content FROM stored_files WHERE key = ?`, [relative]);
    if (content === undefined || content === null) return null;
    return Buffer.isBuffer(content) ? content : Buffer.from(content);
  }
}
