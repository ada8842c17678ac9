/**
 * Listing review (入网审核) in tests: a lab manager's new record or key-field change waits for a
 * reviewer; `approveListings` has the platform admin approve what waits, through the API.
 */
import { expect } from 'vitest';
import { signIn, type TestApp } from './app.ts';

/**
 * The platform admin approves the pending submissions of these instruments (a change) or with
 * these ids — or, with neither, every pending one of the lab's institution. Returns the instrument
 * ids approved (new records: the instruments made).
 */
export async function approveListings(
  t: TestApp,
  which: { instrumentIds?: number[]; submissionIds?: number[]; institutionId?: number } = {},
): Promise<number[]> {
  const admin = await signIn(t.app, 'admin@demo.test');
  const ids = [...(which.submissionIds ?? [])];
  for (const instrumentId of which.instrumentIds ?? []) {
    const page = await admin.get('/api/v1/listing-submissions').query({ status: 'pending', instrumentId });
    expect(page.status).toBe(200);
    ids.push(...page.body.items.map((s: { id: number }) => s.id));
  }
  if (!which.instrumentIds && !which.submissionIds) {
    const page = await admin
      .get('/api/v1/listing-submissions')
      .query({ status: 'pending', pageSize: 100, ...(which.institutionId && { institutionId: which.institutionId }) });
    ids.push(...page.body.items.map((s: { id: number }) => s.id));
  }
  if (!ids.length) return [];
  const res = await admin.post('/api/v1/listing-submissions/bulk-approve').send({ ids });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.failed, JSON.stringify(res.body.results)).toBe(0);
  return res.body.results.map((r: { instrumentId: number }) => r.instrumentId);
}

/** A lab manager's new record, submitted and approved: the published instrument's detail (as the admin sees it). */
export async function publishAsLab(
  t: TestApp,
  lab: { post: (url: string) => { send: (b: unknown) => Promise<{ status: number; body: { id: number } }> } },
  record: unknown,
) {
  const submitted = await lab.post('/api/v1/instruments').send(record);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const [instrumentId] = await approveListings(t, { submissionIds: [submitted.body.id] });
  return instrumentId!;
}
