/**
 * Helpers for the registration and people tests: fresh valid credit codes, a registration's body, the
 * links in the mails the outbox holds, and small documents.
 */
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { creditCode } from '../../db/seed/organisations.ts';
import { Rng } from '../../db/seed/random.ts';
import type { TestApp } from './app.ts';

/** A strong password the policy accepts (not the e-mail, three kinds, long enough, not common). */
export const GOOD_PASSWORD = 'Qilu-Instruments-2026!';

/** Valid unified social credit codes no other test or the demo uses. */
export function creditCodes(stream: string, prefix = '91', division = '370102'): () => string {
  const rng = Rng.stream(20260601, stream);
  return () => creditCode(rng, prefix, division);
}

let serial = 0;
/** A registration of an enterprise in 济南历下区 (override any field). */
export function registrationBody(code: string, overrides: Record<string, unknown> = {}) {
  serial++;
  return {
    kind: 'enterprise',
    name: `济南测试${serial}号新材料科技有限公司`,
    creditCode: code,
    cityCode: '370100',
    countyCode: '370102',
    address: `济南市历下区经十路${100 + serial}号`,
    legalRepresentative: '张建国',
    contactName: '王晓明',
    contactPhone: '13805310000',
    email: `applicant${serial}-${Date.now() % 100000}@example.cn`,
    password: GOOD_PASSWORD,
    ...overrides,
  };
}

/** The token of the newest mail to `to` whose link goes to `path` (/verify-email, /accept-invitation). */
export async function linkToken(t: TestApp, to: string, path: string): Promise<string> {
  const rows = await t.db.all<{ text: string }>(`SELECT text FROM outbox WHERE to_address = ? ORDER BY id DESC`, [to]);
  for (const r of rows) {
    const m = new RegExp(`${path.replace(/[/?]/g, (c) => `\\${c}`)}\\?token=([A-Za-z0-9_-]+)`).exec(r.text);
    if (m) return m[1]!;
  }
  throw new Error(`no ${path} mail to ${to}`);
}

export const PDF = Buffer.from('%PDF-1.4\n% 营业执照扫描件\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');

type Agent = ReturnType<typeof request.agent>;

/** Uploads a document of the caller's registration. */
export function upload(agent: Agent, organisationId: number, kind: string, bytes = PDF, type = 'application/pdf') {
  return agent
    .put(`/api/v1/organisations/${organisationId}/documents/${kind}`)
    .query({ name: `${kind}.pdf` })
    .set('Content-Type', type)
    .send(bytes);
}

/** Registers (expecting 201) and returns the signed-in agent, the organisation's id and the e-mail. */
export async function register(app: Express, body: Record<string, unknown>) {
  const agent = request.agent(app);
  const res = await agent.post('/api/v1/registration').send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { agent, organisationId: res.body.user.organisation.id as number, email: body.email as string };
}
