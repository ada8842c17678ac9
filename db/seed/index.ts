export { DEMO_ACCOUNTS, DEMO_PASSWORD, MORE_DEMO_ACCOUNTS, type DemoAccount } from './accounts.ts';
export { DEMO_NOW, seedDemo, type SeedDemoOptions, type SeedDemoResult } from './demo.ts';
export {
  CATEGORY_NAMES_EN,
  CITY_CODES,
  categoryInfo,
  categoryRows,
  cityInfo,
  cityRows,
  PROVINCE,
  seedReference,
  type CategoryInfo,
  type CityInfo,
  type SeedReferenceResult,
} from './reference.ts';
export { holidays2026 } from './data.ts';
export { seedBookingDemo, seedHolidays } from './booking.ts';
