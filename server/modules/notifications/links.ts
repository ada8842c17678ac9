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
  /** A testing need (需求发布): the enterprise's page of it, or the lab's (needs hall). */
  need: (id: number, side: 'enterprise' | 'lab') => (side === 'lab' ? `/lab/needs/${id}` : `/my/needs/${id}`),
  /** Listing review (入网审核): one submission in the reviewers' queue, and the lab's own records. */
  listingReview: (id: number) => `/admin/listing-review?submission=${id}`,
  labListings: '/lab/instruments',
};
