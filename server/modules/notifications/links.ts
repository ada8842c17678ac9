/** Where the SPA shows what a notification is about (paths of the SPA; emails prefix the public URL). */
export const LINKS = {
  booking: (id: number) => `/bookings/${id}`,
  vouchers: '/vouchers',
  /** A claim batch as its claimant sees it: the lab's page (enterprises in reimburse mode have none yet). */
  claimantBatch: (id: number, kind: 'provider' | 'enterprise') =>
    kind === 'provider' ? `/lab/settlement/${id}` : null,
  run: (id: number) => `/finance/reconciliation/${id}`,
};
