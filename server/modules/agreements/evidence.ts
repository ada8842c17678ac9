/**
 * A booking's service agreement as claim evidence (settlement reads it for a claim line): its hash,
 * and who accepted it and when; null when none was drawn up (orders confirmed before agreements).
 */
import type { Queryable } from '../../../db/port.ts';

export interface AgreementEvidence {
  sha256: string;
  /** ISO instant; null: not accepted yet. */
  acceptedAt: string | null;
  acceptedBy: { id: number; name: string } | null;
}

export async function agreementEvidence(q: Queryable, bookingId: number): Promise<AgreementEvidence | null> {
  const r = await q.get<{ sha256: string; at: number | null; by: number | null; name: string | null }>(
    `SELECT a.sha256, a.accepted_at AS at, a.accepted_by AS by, u.display_name AS name
       FROM service_agreements a LEFT JOIN users u ON u.id = a.accepted_by WHERE a.booking_id = ?`,
    [bookingId],
  );
  if (!r) return null;
  return {
    sha256: r.sha256,
    acceptedAt: r.at === null ? null : new Date(Number(r.at)).toISOString(),
    acceptedBy: r.by === null ? null : { id: Number(r.by), name: r.name ?? '' },
  };
}
