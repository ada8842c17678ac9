/**
 * The demo's accounts and their shared password: what the seed creates, what the README and the
 * browser tests sign in with. Their own file, so the seed's parts (bookings, vouchers, settlement)
 * and the server need not import the whole demo to know them.
 */
import type { Role } from '../schema/index.ts';
import { DEMO_ENTERPRISE_NAME, DEMO_LAB_NAME } from './organisations.ts';

export const DEMO_PASSWORD = 'demo-pass-2025';

export interface DemoAccount {
  email: string;
  role: Role;
  displayName: string;
  organisation: string;
}

/** The four accounts the demo and the browser tests sign in with (password DEMO_PASSWORD). */
export const DEMO_ACCOUNTS = {
  researcher: {
    email: 'researcher@demo.test',
    role: 'researcher',
    displayName: '李文博',
    organisation: DEMO_ENTERPRISE_NAME,
  },
  labManager: { email: 'lab@demo.test', role: 'lab_manager', displayName: '赵静', organisation: DEMO_LAB_NAME },
  financeOfficer: {
    email: 'finance@demo.test',
    role: 'finance_officer',
    displayName: '孙海燕',
    organisation: '济南市科学技术局',
  },
  platformAdmin: {
    email: 'admin@demo.test',
    role: 'platform_admin',
    displayName: '陈建华',
    organisation: '山东省大型科学仪器共享服务平台',
  },
} as const satisfies Record<string, DemoAccount>;

/** More demo users, same password: other cities (60% voucher ratio in 临沂), other labs and offices. */
export const MORE_DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: 'researcher2@demo.test',
    role: 'researcher',
    displayName: '刘子涵',
    organisation: '青岛海纳海洋生物科技有限公司',
  },
  {
    email: 'researcher3@demo.test',
    role: 'researcher',
    displayName: '王振华',
    organisation: '临沂鼎新智能装备有限公司',
  },
  {
    email: 'researcher4@demo.test',
    role: 'researcher',
    displayName: '侯明远',
    organisation: '聊城鲁西精密轴承科技有限公司',
  },
  { email: 'lab2@demo.test', role: 'lab_manager', displayName: '孔立群', organisation: '山东大学' },
  { email: 'lab3@demo.test', role: 'lab_manager', displayName: '于雅琴', organisation: '中国海洋大学' },
  { email: 'finance2@demo.test', role: 'finance_officer', displayName: '徐宏伟', organisation: '山东省科学技术厅' },
  { email: 'finance3@demo.test', role: 'finance_officer', displayName: '高佳琪', organisation: '青岛市科学技术局' },
  // Reviews the demo claims of 临沂 enterprises (researcher3's jobs at the demo lab).
  { email: 'finance4@demo.test', role: 'finance_officer', displayName: '颜振东', organisation: '临沂市科学技术局' },
  // Four-eyes: pays what finance@demo.test approved (the server refuses the approver as payer).
  { email: 'finance5@demo.test', role: 'finance_officer', displayName: '田晓光', organisation: '济南市科学技术局' },
  // The provincial re-check stage of staged claim reviews.
  { email: 'reviewer@demo.test', role: 'finance_officer', displayName: '鲍文静', organisation: '山东省科学技术厅' },
  { email: 'finance6@demo.test', role: 'finance_officer', displayName: '牛庆春', organisation: '聊城市科学技术局' },
  // Four-eyes in 临沂: pays the 临沂 programme's claims that finance4@demo.test approved.
  { email: 'finance7@demo.test', role: 'finance_officer', displayName: '庞立新', organisation: '临沂市科学技术局' },
  {
    email: 'finance-desk@demo.test',
    role: 'finance_officer',
    displayName: '马丽娟',
    organisation: '山东省大型科学仪器共享服务平台',
  },
];
