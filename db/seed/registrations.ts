/**
 * The demo's registration awaiting review: an enterprise of 济南 that registered, was returned once
 * for a clearer licence scan and resubmitted, with its business licence (a small generated PDF) in
 * the file store. Its administrator signs in with the demo password (e-mail verified) and sees the
 * application; the platform's admins see it in their review queue.
 */
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../port.ts';
import { openFileStore } from '../../server/shared/files.ts';
import { creditCode } from './organisations.ts';
import { Rng } from './random.ts';

export const PENDING_ENTERPRISE = {
  name: '济南泉城光电检测技术有限公司',
  nameEn: 'Jinan Quancheng Photoelectric Testing Technology Co., Ltd.',
  cityCode: '370100',
  countyCode: '370112',
  address: '济南市历城区港兴三路1001号',
  legalRepresentative: '周志远',
  contactName: '周明远',
  contactPhone: '13853101234',
  email: 'applicant@demo.test',
} as const;

const DAY = 86_400_000;

/** Where the app keeps uploaded files by default: `files` beside the SQLite file; PostgreSQL keeps them itself. */
function defaultFileDir(db: Database): string {
  const file = db.engine === 'sqlite' ? db.location : ':memory:';
  return file === ':memory:' || !file
    ? path.join(os.tmpdir(), 'isp-files')
    : path.join(path.dirname(path.resolve(file)), 'files');
}

/** A one-page PDF saying what it stands for (ASCII: the standard fonts have no Chinese). */
export function demoLicencePdf(lines: string[]): Buffer {
  const text = lines
    .map((l, i) => `BT /F1 ${i ? 11 : 16} Tf 60 ${760 - i * 24} Td (${l.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Writes the registration awaiting review (after the rest of the demo; ids come from the database). */
export async function seedRegistrationDemo(
  db: Database,
  opts: { now: number; passwordHash: string; seed: number },
): Promise<void> {
  const p = PENDING_ENTERPRISE;
  const rng = Rng.stream(opts.seed, 'registration-demo');
  let code = creditCode(rng, '91', p.countyCode);
  while (await db.value('SELECT 1 FROM organisations WHERE credit_code = ?', [code]))
    code = creditCode(rng, '91', p.countyCode);
  const reviewer = await db.value<number>(
    `SELECT u.id FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE u.role = 'platform_admin' AND o.kind = 'platform' ORDER BY u.id LIMIT 1`,
  );
  const registered = opts.now - 5 * DAY;
  const returned = opts.now - 3 * DAY;
  const resubmitted = opts.now - 1 * DAY;
  const note = '营业执照扫描件不清晰，请上传加盖公章的彩色扫描件。';
  const pdf = demoLicencePdf([
    'Business licence (demo) / Ying ye zhi zhao',
    `Unified social credit code: ${code}`,
    `Name: ${p.nameEn}`,
    'Type: limited liability company',
    `Legal representative: Zhou Zhiyuan`,
    'Address: Gangxing 3rd Road 1001, Licheng District, Jinan',
    'Generated for the demonstration of the platform; not a real document.',
  ]);
  const files = openFileStore(db, defaultFileDir(db));
  let stored: string | null = null;
  await db
    .write(async (tx) => {
      const org = await tx.get<{ id: number }>(
        `INSERT INTO organisations (kind, name, name_en, credit_code, city_code, county_code, address, certified,
         contact_phone, created_at, status, legal_representative, contact_name, contact_email, submitted_at,
         review_note, reviewed_by, reviewed_at, updated_at)
       VALUES ('enterprise', ?, ?, ?, ?, ?, ?, FALSE, ?, ?, 'pending_review', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          p.name,
          p.nameEn,
          code,
          p.cityCode,
          p.countyCode,
          p.address,
          p.contactPhone,
          registered,
          p.legalRepresentative,
          p.contactName,
          p.email,
          resubmitted,
          note,
          reviewer ?? null,
          returned,
          resubmitted,
        ],
      );
      const orgId = Number(org!.id);
      const user = await tx.get<{ id: number }>(
        `INSERT INTO users (email, password_hash, display_name, role, organisation_id, phone, created_at,
         org_admin, membership, email_verified_at, password_changed_at, updated_at)
       VALUES (?, ?, ?, 'researcher', ?, ?, ?, TRUE, 'active', ?, ?, ?) RETURNING id`,
        [
          p.email,
          opts.passwordHash,
          p.contactName,
          orgId,
          p.contactPhone,
          registered,
          registered + 600_000,
          registered,
          registered,
        ],
      );
      const userId = Number(user!.id);
      const events: [string, number, number | null, string | null][] = [
        ['submitted', registered + 900_000, userId, null],
        ['returned', returned, reviewer ?? null, note],
        ['resubmitted', resubmitted, userId, null],
      ];
      for (const [action, at, actor, text] of events) {
        await tx.run(
          `INSERT INTO review_events (subject_type, subject_id, action, note, actor_user_id, at)
         VALUES ('organisation', ?, ?, ?, ?, ?)`,
          [orgId, action, text, actor, at],
        );
      }
      stored = await files.save('documents', `organisation-${orgId}`, 'pdf', pdf);
      await tx.run(
        `INSERT INTO documents (organisation_id, subject_type, subject_id, kind, stored_name, file_name, mime, size,
         uploaded_by, uploaded_at)
       VALUES (?, 'organisation', ?, 'business_licence', ?, '营业执照.pdf', 'application/pdf', ?, ?, ?)`,
        [orgId, orgId, stored, pdf.length, userId, resubmitted - 600_000],
      );
    })
    .catch(async (err: unknown) => {
      await files.remove(stored);
      throw err;
    });
}
