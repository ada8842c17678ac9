/** Listing review in the browser journeys: the platform admin's API session approves what a lab submitted. */
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';

async function adminCookie(baseUrl: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.test', password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

/** Approves the pending submissions matching the filter (an instrument's change, or a text); returns the instruments. */
export async function approvePending(
  baseUrl: string,
  filter: { instrumentId?: number; q?: string },
): Promise<number[]> {
  const cookie = await adminCookie(baseUrl);
  const qs = new URLSearchParams({
    status: 'pending',
    ...Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)])),
  });
  const page = (await (await fetch(`${baseUrl}/api/v1/listing-submissions?${qs}`, { headers: { cookie } })).json()) as {
    items: { id: number }[];
  };
  expect(page.items.length, `pending submissions for ${JSON.stringify(filter)}`).toBeGreaterThan(0);
  const res = await fetch(`${baseUrl}/api/v1/listing-submissions/bulk-approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ ids: page.items.map((s) => s.id) }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { failed: number; results: { instrumentId: number }[] };
  expect(body.failed).toBe(0);
  return body.results.map((r) => r.instrumentId);
}
