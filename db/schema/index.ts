export * from './enums.ts';
export * from './reference.ts';
export * from './auth.ts';
export * from './catalog.ts';
export * from './booking.ts';
export * from './vouchers.ts';
export * from './ledger.ts';
export * from './payments.ts';
