/**
 * Instrument photos: uploaded to the platform by the owning lab (JPEG, PNG or WebP, read from the
 * bytes), or an https:// address on a host of the platform's allow-list (PHOTO_HOSTS). Nothing else is
 * stored, so the catalogue never makes a visitor's browser fetch from a host nobody chose.
 */
import path from 'node:path';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { FileStorage } from '../../shared/files.ts';
import { PHOTO_KINDS, PHOTO_TYPES, sniffFile } from '../../shared/files.ts';
import { httpsHost, isPlatformPhoto, PHOTO_FILE_PATTERN, PHOTO_URL_PREFIX } from '../../shared/photo-url.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { CatalogRepo } from './catalog.repo.ts';

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

const REFUSED = 'photo addresses must be on an allowed image host or uploaded to the platform';

export class InstrumentPhotos {
  private readonly hosts: ReadonlySet<string>;

  constructor(
    private readonly db: Database,
    private readonly repo: CatalogRepo,
    private readonly files: FileStorage,
    private readonly clock: Clock,
    hosts: readonly string[],
  ) {
    this.hosts = new Set(hosts.map((h) => h.toLowerCase()));
  }

  /**
   * Whether `url` may become an instrument's photo in place of `current` (400 otherwise). An address
   * that does not change stays, whatever the allow-list says now; an uploaded photo can only be the
   * instrument's own current one (a new one comes through the upload).
   */
  checkAddress(url: string | null | undefined, current: string | null): void {
    if (url === undefined || url === null || url === current) return;
    if (isPlatformPhoto(url)) {
      throw badRequest(REFUSED, [{ path: 'photoUrl', message: 'not this instrument’s uploaded photo' }]);
    }
    const host = httpsHost(url);
    if (!host || !this.hosts.has(host)) {
      throw badRequest(REFUSED, [{ path: 'photoUrl', message: 'not an allowed photo host' }]);
    }
  }

  /** After a change of an instrument's photo is committed: the uploaded file it no longer shows goes. */
  async released(before: string | null, after: string | null): Promise<void> {
    if (before && before !== after && isPlatformPhoto(before)) {
      await this.files.remove(`photos/${before.slice(PHOTO_URL_PREFIX.length)}`);
    }
  }

  /** Whether the caller may upload this instrument's photo: asked before the upload's body is read. */
  async checkUpload(actor: Actor, id: number) {
    return this.checkRow(this.repo, actor, id);
  }

  private async checkRow(repo: CatalogRepo, actor: Actor, id: number) {
    const row = await repo.instrument(id);
    if (!row) throw notFound('instrument');
    if (!canManageInstitution(actor, row.institutionId)) {
      throw forbidden('only the owning institution’s lab managers and platform admins may edit this instrument');
    }
    return row;
  }

  /** Stores an uploaded photo as the instrument's photo, in place of the one it had. */
  async upload(actor: Actor, id: number, bytes: Buffer): Promise<void> {
    await this.checkUpload(actor, id);
    if (!bytes.length) throw badRequest('the photo is empty', [{ path: 'body', message: 'empty' }]);
    const sniffed = await sniffFile(bytes, PHOTO_KINDS);
    if (!sniffed.kind) {
      throw new AppError('unsupported_media_type', 'photos are JPEG, PNG or WebP images', [
        { path: 'body', message: sniffed.found ? `not accepted: ${sniffed.found}` : 'not a recognised file type' },
      ]);
    }
    const stored = await this.files.save('photos', String(id), sniffed.ext, bytes);
    const url = PHOTO_URL_PREFIX + path.posix.basename(stored);
    let before: string | null;
    try {
      // Checked again and written in one transaction: the photo it replaces is the one stored at
      // that moment (another upload or edit may have committed since the check above).
      before = await this.db.write(async (tx) => {
        const repo = this.repo.with(tx);
        const row = await this.checkRow(repo, actor, id);
        await repo.updateInstrument(id, { photoUrl: url, updatedAt: this.clock.now() });
        return row.photoUrl;
      });
    } catch (err) {
      await this.files.remove(stored);
      throw err;
    }
    await this.released(before, url);
  }

  /** An uploaded photo by the file name in its address. */
  async file(name: string): Promise<{ path: string; type: string }> {
    const ext = PHOTO_FILE_PATTERN.exec(name)?.[1];
    if (!ext) throw notFound('photo');
    return { path: await this.files.path(`photos/${name}`), type: PHOTO_TYPES[ext]! };
  }
}
