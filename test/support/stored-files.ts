/**
 * What a test app keeps of uploaded files, wherever its engine keeps them (server/shared/files.ts):
 * the folder on SQLite, the table `stored_files` on PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestApp } from './app.ts';

const inDatabase = (t: TestApp) => t.db.engine === 'postgres';

/** The names of the files stored in `folder` whose names start with `prefix`, sorted. */
export async function storedFiles(t: TestApp, folder: 'reports' | 'photos', prefix: string): Promise<string[]> {
  if (inDatabase(t)) {
    const keys = await t.db.column<string>(`SELECT key FROM stored_files WHERE key LIKE ? ORDER BY key`, [
      `${folder}/${prefix}%`,
    ]);
    return keys.map((k) => path.posix.basename(k));
  }
  const dir = path.join(t.fileDir, folder);
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(prefix))
        .sort()
    : [];
}

/** Whether a file is stored under `key` (`reports/…`, `photos/…`). */
export async function isStored(t: TestApp, key: string): Promise<boolean> {
  if (inDatabase(t)) return (await t.db.value(`SELECT 1 FROM stored_files WHERE key = ?`, [key])) !== undefined;
  return fs.existsSync(path.join(t.fileDir, key));
}

/** Takes a stored file away behind the platform's back (a lost disk, a restored backup); the result puts it back. */
export async function loseStoredFile(t: TestApp, key: string): Promise<() => Promise<void>> {
  if (inDatabase(t)) {
    const row = await t.db.get(`SELECT key, content, type, size, created_at FROM stored_files WHERE key = ?`, [key]);
    await t.db.run(`DELETE FROM stored_files WHERE key = ?`, [key]);
    return async () => {
      await t.db.run(`INSERT INTO stored_files (key, content, type, size, created_at) VALUES (?, ?, ?, ?, ?)`, [
        row!.key,
        row!.content,
        row!.type,
        row!.size,
        row!.created_at,
      ] as never);
    };
  }
  const full = path.join(t.fileDir, key);
  const bytes = fs.readFileSync(full);
  fs.rmSync(full);
  return async () => fs.writeFileSync(full, bytes);
}
