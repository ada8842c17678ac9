/**
 * Demo: the demo lab's institution runs its own LIMS and pushes completed services to the platform
 * with an API key (数据对接). The key's secret is random and thrown away here (only its hash is
 * stored, as the platform does): the demo shows the key by its prefix; a new one is made on the page.
 * A few dozen records over the months before the demo's "now", counted in the statistics (the
 * table's triggers mark the instrument-months for the roll-up).
 */
import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';
import { creditCode } from './organisations.ts';
import { Rng } from './random.ts';

const ZONE = 'Asia/Shanghai';
const PURPOSES = ['材料成分分析', '样品形貌观察', '晶体结构表征', '热稳定性测试', '元素含量测定', '课题组常规测试'];
const PEOPLE = ['王磊', '李娜', '张伟', '刘洋', '陈静', '杨帆', '赵敏', '孙浩', '周婷', '吴强'];
/** Users not on the platform: enterprises and a university, with their (well-formed) credit codes. */
const OFF_PLATFORM = [
  { name: '济南鲁新材料科技有限公司', prefix: '91', division: '370100' },
  { name: '淄博华泰化工有限公司', prefix: '91', division: '370300' },
  { name: '潍坊晨光生物技术有限公司', prefix: '91', division: '370700' },
  { name: '齐鲁工业大学', prefix: '12', division: '370000' },
];

export async function seedIntegrationsDemo(db: Database, now: number, seed = 20261128): Promise<void> {
  const lab = await db.get<{ org: number; user: number; orgName: string; code: string | null }>(
    `SELECT u.organisation_id AS org, u.id AS "user", o.name AS "orgName", o.credit_code AS code
     FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`,
    [DEMO_ACCOUNTS.labManager.email],
  );
  if (!lab) return;
  if (Number(await db.value(`SELECT COUNT(*) FROM api_keys WHERE institution_id = ?`, [lab.org])) > 0) return;
  const instruments = await db.all<{ id: number; asset: string }>(
    `SELECT id, asset_number AS asset FROM instruments
     WHERE institution_id = ? AND sharing_mode <> 'not_shared' ORDER BY id LIMIT 6`,
    [lab.org],
  );
  if (!instruments.length) return;
  const enterprises = await db.all<{ id: number; name: string; code: string }>(
    `SELECT id, name, credit_code AS code FROM organisations
     WHERE kind = 'enterprise' AND credit_code IS NOT NULL ORDER BY id LIMIT 5`,
  );
  const rng = Rng.stream(seed, 'integrations');
  const users = [
    ...enterprises.map((e) => ({ name: e.name, code: e.code, orgId: e.id as number | null })),
    ...OFF_PLATFORM.map((o) => ({ name: o.name, code: creditCode(rng, o.prefix, o.division), orgId: null })),
  ];
  const secret = 'isp_live_' + randomBytes(32).toString('base64url');
  const created = DateTime.fromMillis(now, { zone: ZONE }).minus({ months: 6 }).startOf('month');
  const last = DateTime.fromMillis(now, { zone: ZONE }).minus({ days: 1 }).toMillis();

  await db.write(async (tx) => {
    const keyId = (await tx.value<number>(
      `INSERT INTO api_keys (institution_id, name, prefix, key_hash, created_by, created_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        lab.org,
        '本单位 LIMS 系统',
        secret.slice(0, 15),
        createHash('sha256').update(secret).digest('hex'),
        lab.user,
        created.toMillis(),
        last,
      ],
    ))!;
    const count = 36;
    for (let n = 0; n < count; n++) {
      // Spread over the six months before "now", in working hours.
      const day = created.plus({ days: Math.floor((n * 180) / count) + rng.int(0, 3) });
      const start = day.set({ hour: rng.int(8, 15), minute: rng.pick([0, 30]) });
      if (start.toMillis() > last) continue;
      const instrument = instruments[n % instruments.length]!;
      const sample = n % 3 === 2;
      const internal = n % 4 === 0;
      const user = internal ? null : users[n % users.length]!;
      const minutes = sample ? rng.int(1, 4) * 30 : rng.int(2, 8) * 30;
      const samples = sample ? rng.int(2, 12) : null;
      const end = start.plus({ minutes: sample ? minutes + 60 : minutes });
      const amountFen = sample ? samples! * rng.int(150, 600) * 100 : (minutes / 60) * rng.int(200, 800) * 100;
      const at = Math.min(end.toMillis() + 3_600_000, now);
      await tx.run(
        `INSERT INTO external_service_records (institution_id, instrument_id, external_id, api_key_id, mode, start_at,
           end_at, minutes, samples, amount_fen, purpose, user_name, user_organisation_name, user_credit_code,
           user_organisation_id, user_type, rating, received_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          lab.org,
          instrument.id,
          `LIMS-${start.toFormat('yyyyMMdd')}-${String(n + 1).padStart(4, '0')}`,
          keyId,
          sample ? 'sample' : 'machine_time',
          start.toMillis(),
          end.toMillis(),
          minutes,
          samples,
          Math.round(amountFen),
          rng.pick(PURPOSES),
          rng.pick(PEOPLE),
          user ? user.name : lab.orgName,
          user ? user.code : lab.code,
          user ? user.orgId : lab.org,
          internal ? 'internal' : 'external',
          rng.int(0, 3) === 0 ? null : rng.int(4, 5),
          at,
          at,
        ],
      );
    }
  });
}
