/** Where the SPA shows what a notification is about (paths of the SPA; emails prefix the public URL). */
export const LINKS = {
  booking: (id: number) => `/bookings/${id}`,
  vouchers: '/vouchers',
  /** A claim batch as its claimant sees it: the lab's claims, or the enterprise's own (reimburse mode). */
  claimantBatch: (id: number, kind: 'provider' | 'enterprise') =>
    kind === 'provider' ? `/lab/settlement/${id}` : `/my/claims/${id}`,
  run: (id: number) => `/finance/reconciliation/${id}`,
  /** The enterprise's payment notices (bank transfers). */
  paymentNotices: '/my/payment-notices',
};
