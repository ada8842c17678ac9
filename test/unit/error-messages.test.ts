/**
 * Error answers in the reader's language: every message the server writes into a problem (the
 * `detail` of badRequest / forbidden / notFound / AppError, the field errors, the zod schemas'
 * messages) has its Chinese in server/shared/messages.zh.ts — read from the source, so a new
 * message cannot slip in untranslated — and the codes clients compare against stay as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput } from '../../server/http/route.ts';
import { AppError } from '../../server/shared/errors.ts';
import { isFieldCode, translateDetail, translateField, zhDetail, zhField } from '../../server/shared/messages.ts';
import { scanMessageSites, type MessageSite } from '../support/message-sites.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cjk = /[\u4e00-\u9fff]/;

/** Files that define the helpers (errors.ts) or never answer HTTP (config.ts and trust-proxy.ts read the environment). */
const SKIPPED_FILES = new Set(['server/shared/errors.ts', 'server/config.ts', 'server/http/trust-proxy.ts']);

/** Messages the source cannot tell, and why they need no entry in the catalogue. */
const DYNAMIC: Record<string, string> = {
  'server/http/route.ts: i.message': 'zod’s own messages: ZH_FIELD_PATTERNS, tested below with real zod issues',
  'server/modules/booking/prices.ts: result.reason': 'a pricing code (no_rate, unknown_item)',
  'server/modules/booking/request.ts: instrument.runStatus': 'a run status code',
  'server/modules/checkout/book.ts: preview.view.ineligible[0]?.reason': 'an ineligibility code',
  'server/modules/checkout/authorisation.ts: err.processorCode': 'the payment processor’s code',
  'server/modules/checkout/authorisation.ts: p.failureMessage': 'the payment processor’s own text',
  'server/modules/checkout/card-window.ts: err.processorCode': 'the payment processor’s code',
  'server/modules/checkout/card-window.ts: err.message': 'the payment processor’s own text',
  'server/modules/imports/imports.schemas.ts: z.string()': 'the response field of a row problem (in Chinese already)',
  'server/modules/settlement/review.ts: e.message':
    'a line decision’s own refusal, passed on with the line named (each is checked where decideLine writes it)',
};

/** Sample values for the placeholders of template-literal messages, by the placeholder's source. */
const SAMPLES: [RegExp, string][] = [
  [/^where$/, 'body'],
  [/errors\.map/, 'body.month: a month YYYY-MM; body.programmeId: Invalid input: expected number, received undefined'],
  [/ineligible\.map/, 'the programme has not started; the enterprise and this provider are related parties'],
  [/\.name\)\.join/, 'evidence, claim_window'],
  [/possessive\(/, "24 hours'"],
  [/span\(/, '90 minutes'],
  [/^local\(/, '2026-12-08 08:30'],
  [/plural\(.*'day'/, '30 days'],
  [/access\.join/, 'lab_manager or platform_admin'],
  [/\.state\b/, 'posted'],
  [/status/i, 'submitted'],
  [/^action$/, 'cancel'],
  [/month/i, '2025-06'],
  [/On$|By$|date/i, '2025-06-30'],
  [/err\.message|failureMessage/, 'Your card was declined.'],
  [/err\.type/, 'entity.verify.failed'],
  [/req\.method/, 'GET'],
  [/req\.path/, '/api/v1/nowhere'],
  [/\.name$/, 'quota 7'],
  [/file\.type/, 'application/x-msdownload'],
  [/\.join\(', '\)/, '3, 4'],
  [/^field$/, 'query.from'],
  [/^code$/, 'provider:3:programme'],
  [/./, '1200'],
];
const sample = (expr: string) => SAMPLES.find(([re]) => re.test(expr))![1];

const where = (s: MessageSite) => `${s.file}:${s.line}`;

/** What is missing for one site, or null. */
function missing(site: MessageSite): string | null {
  const { kind, message } = site;
  const zh = kind === 'field' ? zhField : zhDetail;
  switch (message.form) {
    case 'localised':
      return null;
    case 'dynamic':
      return DYNAMIC[`${site.file}: ${message.source}`] ? null : `${where(site)} unreadable message: ${message.source}`;
    case 'exact': {
      if (kind === 'field' && isFieldCode(message.text)) return null;
      const text = kind === 'notFound' ? `${message.text} not found` : message.text;
      const got = zh(text);
      return got && cjk.test(got) ? null : `${where(site)} ${kind} "${text}" has no Chinese`;
    }
    case 'template': {
      const text = message.parts
        .map((p, i) => p + (i < message.exprs.length ? sample(message.exprs[i]!) : ''))
        .join('');
      const got = zh(text);
      if (!got || !cjk.test(got)) return `${where(site)} ${kind} template "${text}" matches no pattern`;
      return /\$\d/.test(got) ? `${where(site)} "${got}" leaves a $n unfilled` : null;
    }
  }
}

describe('the Chinese of the server’s error messages', () => {
  const sites = scanMessageSites(root).filter((s) => !SKIPPED_FILES.has(s.file));

  it('finds the messages (the scanner sees the call sites)', () => {
    const forms = (f: string) => sites.filter((s) => s.message.form === f).length;
    expect(sites.length).toBeGreaterThan(250);
    expect(forms('exact')).toBeGreaterThan(200);
    expect(forms('template')).toBeGreaterThan(30);
    expect(sites.some((s) => s.kind === 'notFound')).toBe(true);
    // Followed through a helper (describeProblem) and a parameter (vouchers' bad(path, message)).
    const texts = sites.flatMap((s) => (s.message.form === 'exact' ? [s.message.text] : []));
    expect(texts).toContain('the instrument is closed for maintenance at that time');
    expect(texts).toContain('the per-enterprise cap exceeds the budget');
  });

  it('has a translation for every message written in server/ (exact, or a pattern for templates)', () => {
    const problems = [...new Set(sites.map(missing).filter((p): p is string => p !== null))];
    expect(
      problems,
      `untranslated messages — add them to server/shared/messages.zh.ts:\n${problems.join('\n')}`,
    ).toEqual([]);
  });

  it('leaves alone the field codes the SPA and the tests compare against', () => {
    const read = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? read(full) : /\.tsx?$/.test(e.name) ? [fs.readFileSync(full, 'utf8')] : [];
      });
    const compared = new Set<string>();
    for (const src of read(path.join(root, 'web/src'))) {
      for (const m of src.matchAll(/\.(?:message|reason)\s*===\s*'([^']+)'/g)) compared.add(m[1]!);
      for (const table of src.matchAll(/const KNOWN_\w+[^=]*=\s*\{([^}]*)\}/g))
        for (const key of table[1]!.matchAll(/(?:'([^']+)'|([A-Za-z_]\w*))\s*:/g)) compared.add(key[1] ?? key[2]!);
    }
    for (const src of read(path.join(root, 'test')))
      for (const m of src.matchAll(/\.message\)\.toBe\('([^']+)'\)/g)) compared.add(m[1]!);
    expect(compared.size).toBeGreaterThan(0);
    for (const code of compared) expect(translateField(code, 'zh'), code).toBe(code);
  });

  it('puts the parts of a message into the sentence', () => {
    expect(translateDetail('your training record for this instrument expired on 2025-03-31', 'zh')).toBe(
      '您的该仪器培训记录已于 2025-03-31 到期',
    );
    expect(translateDetail('that time has just been taken', 'zh')).toBe('该时段刚刚被预约，请另选时间');
    expect(translateDetail('booking not found', 'zh')).toBe('预约不存在');
    expect(translateDetail('cannot cancel a booking that is completed', 'zh')).toBe(
      '该预约当前状态为“已完成”，无法取消',
    );
    expect(translateDetail('this needs the role lab_manager or platform_admin', 'zh')).toBe(
      '只有仪器管理员或平台管理员可以执行此操作',
    );
    expect(translateDetail('at most 123456 fen can still be refunded', 'zh')).toBe('最多还可退款 ¥1,234.56');
    expect(translateDetail("bookings need 1 hour's notice", 'zh')).toBe('须至少提前 1 小时预约');
    expect(translateDetail("bookings need 24 hours' notice", 'zh')).toBe('须至少提前 24 小时预约');
    expect(
      translateDetail(
        'no voucher can pay for this: the programme has not started; the enterprise and this provider are related parties',
        'zh',
      ),
    ).toBe('本订单无法使用创新券支付：项目尚未开始；企业与该服务机构存在关联关系，不得使用创新券');
    expect(translateField('required', 'zh')).toBe('必填');
    expect(translateField('multiples of 15 minutes', 'zh')).toBe('须为 15 分钟的整数倍');
  });

  it('answers English as written, keeps codes, and falls back to the English it does not know', () => {
    expect(translateDetail('that time has just been taken', 'en')).toBe('that time has just been taken');
    expect(translateField('required', 'en')).toBe('required');
    expect(translateField('not_qualified', 'zh')).toBe('not_qualified');
    expect(translateField('nothing to claim', 'zh')).toBe('nothing to claim');
    expect(translateDetail('a message nobody wrote down', 'zh')).toBe('a message nobody wrote down');
    expect(translateDetail('自主上机需培训资质', 'zh')).toBe('自主上机需培训资质');
    for (const odd of [
      '',
      ' not found',
      '__proto__ not found',
      'constructor',
      'cannot __proto__ a booking that is toString',
    ])
      expect(() => translateDetail(odd, 'zh')).not.toThrow();
    expect(translateDetail('__proto__ not found', 'zh')).toBe('__proto__ not found');
    expect(translateField('toString', 'zh')).toBe('toString');
  });

  it('translates zod’s own messages, and the detail route.ts builds from them', () => {
    const schema = z
      .object({
        name: z.string().min(1).max(3),
        count: z.number().int().min(1).max(5),
        kind: z.enum(['a', 'b']),
        email: z.email(),
        at: z.iso.datetime({ offset: true }),
        tags: z.array(z.string()).max(1),
        step: z.number().multipleOf(5),
        missing: z.string(),
        month: z.string().regex(/^\d{4}-\d\d$/, 'a month YYYY-MM'),
      })
      .strict();
    let error: unknown;
    try {
      parseInput(
        schema,
        {
          name: '',
          count: 1.5,
          kind: 'c',
          email: 'x',
          at: 'yesterday',
          tags: ['a', 'b'],
          step: 7,
          month: 'June',
          extra: true,
        },
        'body',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const app = error as AppError;
    const fields = app.details as { path: string; message: string }[];
    expect(fields.length).toBeGreaterThan(8);
    for (const f of fields) expect(zhField(f.message), f.message).toMatch(cjk);
    const detail = zhDetail(app.message)!;
    expect(detail).toMatch(/^请求内容有误：/);
    expect(detail).toContain('body.missing：必填');
    expect(detail).toContain('body.name：不能为空');
    expect(detail).toContain('body.month：须为月份 YYYY-MM');
    expect(detail).not.toMatch(/Invalid|Too (big|small)|expected/);
  });
});
