/**
 * Enough certification and voucher applications for the reviewers' tables to page (issue 17): for
 * up to `perCity` approved enterprises of 济南 and of 青岛, one certification application and one
 * voucher application under the demo's programme in application mode, of every status in turn, an
 * hour apart, with amounts all different. Straight into the database (both engines).
 */
import type { Database } from '../../db/port.ts';

export const TABLE_CITIES = ['370100', '370200'] as const;
const STATUSES = ['submitted', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
const BASE = Date.parse('2026-11-20T09:00:00+08:00');

export interface SeededApplications {
  programmeId: number;
  certifications: number;
  vouchers: number;
}

export async function seedApplicationRows(db: Database, perCity = 26): Promise<SeededApplications> {
  const programmeId = Number(
    await db.value(`SELECT id FROM voucher_programmes WHERE quota_issue_mode = 'application' ORDER BY id LIMIT 1`),
  );
  let certifications = 0;
  let vouchers = 0;
  let n = 0;
  for (const city of TABLE_CITIES) {
    const enterprises = await db.all<{ id: number }>(
      `SELECT id FROM organisations WHERE kind = 'enterprise' AND status = 'approved' AND city_code = ?
         ORDER BY id LIMIT ?`,
      [city, perCity],
    );
    for (const { id } of enterprises) {
      n += 1;
      const status = STATUSES[n % STATUSES.length]!;
      const at = BASE - n * 3600_000;
      await db.run(
        `INSERT INTO certification_applications (organisation_id, registration_no, registration_year, status,
           submitted_at, updated_at) VALUES (?, ?, 2026, ?, ?, ?)`,
        [id, `2026${city}${String(n).padStart(8, '0')}`, status, at, at],
      );
      certifications += 1;
      if (programmeId) {
        await db.run(
          `INSERT INTO voucher_applications (programme_id, enterprise_id, amount_fen, planned_use,
             declares_no_related_parties, status, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            programmeId,
            id,
            (1000 + ((n * 37) % 97) * 100 + n) * 100,
            '表格分页测试：扫描电镜与X射线衍射测试',
            true,
            status,
            at,
            at,
          ],
        );
        vouchers += 1;
      }
    }
  }
  return { programmeId, certifications, vouchers };
}
