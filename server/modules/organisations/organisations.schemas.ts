/**
 * The API's shapes for registration, review and people: what comes in (checked here, then by the use
 * cases against the database) and what goes out. Imports only zod, the enums and the document's shape.
 */
import { z } from 'zod';
import {
  documentKinds,
  financeOfficeLevels,
  institutionTypes,
  membershipStatuses,
  organisationKinds,
  organisationStatuses,
  reviewActions,
  roles,
} from '../../../db/schema/enums.ts';
import { documentSchema } from '../documents/documents.schemas.ts';

export { documentSchema };

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const email = z.string().trim().toLowerCase().pipe(z.email().max(200));
/** A mainland mobile number: 11 digits starting 13–19 (spaces and dashes as people type them are dropped). */
export const mobileSchema = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number of 11 digits'));
/** A mobile or a landline with its area code (0531-88881234). */
const phone = z
  .string()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/, 'a mobile number or a landline with its area code');
const code6 = (message: string) => z.string().regex(/^\d{6}$/, message);
/** Read as typed; the use case checks it (GB 32100) so each problem is named. */
const creditCode = z.string().max(40);
const password = z.string().max(200);

/** The fields of an organisation's registration that its applicant writes (and may change until approval). */
const organisationFields = {
  name: text(2, 100),
  creditCode,
  institutionType: z.enum(institutionTypes).nullable().default(null),
  cityCode: code6('a 6-digit city code'),
  countyCode: code6('a 6-digit county code'),
  address: text(5, 200),
  legalRepresentative: text(2, 50),
  contactName: text(2, 50),
  contactPhone: mobileSchema,
};

export const registrationInputSchema = z
  .object({
    kind: z.enum(['enterprise', 'institution']),
    ...organisationFields,
    /** The first user's e-mail (their sign-in) and the organisation's contact e-mail. */
    email,
    /** The first user's name; the contact person's by default. */
    displayName: text(2, 50).optional(),
    password,
  })
  .strict();
export type RegistrationInput = z.infer<typeof registrationInputSchema>;

export const registrationPatchSchema = z
  .object({
    name: organisationFields.name.optional(),
    creditCode: creditCode.optional(),
    institutionType: z.enum(institutionTypes).nullable().optional(),
    cityCode: organisationFields.cityCode.optional(),
    countyCode: organisationFields.countyCode.optional(),
    address: organisationFields.address.optional(),
    legalRepresentative: organisationFields.legalRepresentative.optional(),
    contactName: organisationFields.contactName.optional(),
    contactPhone: mobileSchema.optional(),
    contactEmail: email.optional(),
  })
  .strict();
export type RegistrationPatch = z.infer<typeof registrationPatchSchema>;

export const joinInputSchema = z
  .object({ creditCode, displayName: text(2, 50), email, phone: mobileSchema, password })
  .strict();
export type JoinInput = z.infer<typeof joinInputSchema>;

export const tokenInputSchema = z.object({ token: z.string().min(20).max(100) }).strict();
export const acceptInvitationSchema = z
  .object({ token: z.string().min(20).max(100), password, displayName: text(2, 50).optional() })
  .strict();

export const decisionSchema = z.object({ note: z.string().trim().max(1000).optional() }).strict();
export const reasonSchema = z.object({ note: text(2, 1000) }).strict();

export const inviteSchema = z
  .object({
    email,
    displayName: text(2, 50),
    /** Within the organisation's kind; its one role by default. */
    role: z.enum(roles).optional(),
    orgAdmin: z.boolean().default(false),
    phone: mobileSchema.optional(),
  })
  .strict();
export type InviteInput = z.infer<typeof inviteSchema>;

export const memberPatchSchema = z
  .object({ role: z.enum(roles).optional(), orgAdmin: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.orgAdmin !== undefined, 'give role or orgAdmin');
export type MemberPatch = z.infer<typeof memberPatchSchema>;

export const financeOfficeSchema = z
  .object({
    name: text(2, 100),
    level: z.enum(financeOfficeLevels),
    cityCode: code6('a 6-digit city code').optional(),
    countyCode: code6('a 6-digit county code').optional(),
    address: text(5, 200).optional(),
    contactName: text(2, 50).optional(),
    contactPhone: phone.optional(),
  })
  .strict();
export type FinanceOfficeInput = z.infer<typeof financeOfficeSchema>;

const cursor = z.string().max(200).optional();
/** The directory's orders: newest or oldest registered first, or by name (code-point order, both engines). */
export const organisationSorts = ['newest', 'oldest', 'name'] as const;
const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const organisationListQuery = z
  .object({
    kind: z.enum(organisationKinds).optional(),
    status: z.enum(organisationStatuses).optional(),
    q: z.string().trim().max(100).optional(),
    cursor,
    /** The order (default newest first); the cursor pages the newest-first order only. */
    sort: z.enum(organisationSorts).optional(),
    /** Numbered pages: skip this many rows of the order (the answer then carries `total`). */
    offset: intParam(0, 100_000).optional(),
    /** Rows a page (default 50). */
    limit: intParam(1, 100).optional(),
  })
  .strict()
  .refine((v) => v.cursor === undefined || (v.offset === undefined && (v.sort ?? 'newest') === 'newest'), {
    message: 'a cursor pages the newest-first order without an offset',
    path: ['cursor'],
  });
/** The review queue's orders: by the time sent to review (newest or oldest first), or by name. */
export const registrationSorts = ['newest', 'oldest', 'name'] as const;
export const registrationListQuery = z
  .object({
    status: z.enum([...organisationStatuses, 'all']).default('pending_review'),
    /** Enterprises or institutions only (both by default). */
    kind: z.enum(['enterprise', 'institution']).optional(),
    /** A search of the name, the credit code, the contact and the applicant (name or e-mail). */
    q: z.string().trim().max(100).optional(),
    cursor,
    /** Numbered pages in this order (default newest sent first); without sort or offset, the cursor pages newest registered first. */
    sort: z.enum(registrationSorts).optional(),
    /** Numbered pages: skip this many rows of the order (the answer then carries `total`). */
    offset: intParam(0, 100_000).optional(),
    /** Rows a page (default 50). */
    limit: intParam(1, 100).optional(),
  })
  .strict()
  .refine((v) => v.cursor === undefined || (v.offset === undefined && v.sort === undefined), {
    message: 'a cursor pages the default order without an offset or a sort',
    path: ['cursor'],
  });
export const countiesQuery = z.object({ cityCode: code6('a 6-digit city code').optional() }).strict();
/** What the people page shows of a person: their membership, or disabled. */
export const personStatuses = ['active', 'requested', 'invited', 'declined', 'disabled'] as const;
/** The people page's orders: administrators first, by name, newest or oldest joined first (ties by id). */
export const peopleSorts = ['admins', 'name', 'newest', 'oldest'] as const;
export const peopleQuery = z
  .object({
    membership: z.enum(membershipStatuses).optional(),
    /** Active, requested, invited, declined, or disabled. */
    status: z.enum(personStatuses).optional(),
    role: z.enum(roles).optional(),
    /** A search of names, and e-mails for those who see them whole. */
    q: z.string().trim().max(100).optional(),
    sort: z.enum(peopleSorts).optional(),
    /** Numbered pages: skip this many people (everyone without offset and limit). */
    offset: intParam(0, 100_000).optional(),
    limit: intParam(1, 100).optional(),
  })
  .strict();
export const documentQuery = z.object({ name: z.string().trim().min(1).max(200).default('document') }).strict();
export const memberParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
    .transform(Number),
  userId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
    .transform(Number),
});
export const uploadParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
    .transform(Number),
  kind: z.enum(documentKinds),
});
export const creditCodeParams = z.object({ code: z.string().min(1).max(40) });

// ---- Answers ----

const named = z.object({ id: z.number().int(), name: z.string() });

export const countiesSchema = z.object({
  cities: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      nameEn: z.string(),
      counties: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable() })),
    }),
  ),
});

export const creditCodeCheckSchema = z.object({
  code: z.string(),
  valid: z.boolean(),
  /** What is wrong with it (a sentence), when it is not valid. */
  problem: z.string().nullable(),
  /** An organisation already registered with it: ask to join it instead. */
  registered: z.object({ name: z.string(), kind: z.enum(organisationKinds), joinable: z.boolean() }).nullable(),
});

export const organisationSchema = z.object({
  id: z.number().int(),
  kind: z.enum(organisationKinds),
  name: z.string(),
  nameEn: z.string().nullable(),
  creditCode: z.string().nullable(),
  institutionType: z.enum(institutionTypes).nullable(),
  cityCode: z.string().nullable(),
  cityName: z.string().nullable(),
  countyCode: z.string().nullable(),
  countyName: z.string().nullable(),
  address: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
  contactName: z.string().nullable(),
  /** Masked (138****5678) in lists; whole on an organisation's own page, to its admins and the platform. */
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  status: z.enum(organisationStatuses),
  financeLevel: z.enum(financeOfficeLevels).nullable(),
  certified: z.boolean(),
  submittedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewedBy: named.nullable(),
  createdAt: z.string(),
  /** Enabled people (lists only). */
  people: z.number().int().optional(),
});
export type OrganisationView = z.infer<typeof organisationSchema>;

export const historySchema = z.object({
  action: z.enum(reviewActions),
  note: z.string().nullable(),
  at: z.string(),
  actor: z.object({ name: z.string(), organisation: z.string().nullable() }).nullable(),
});
export type HistoryView = z.infer<typeof historySchema>;

export const personSchema = z.object({
  id: z.number().int(),
  displayName: z.string(),
  /** Masked (w***@example.cn) unless the caller administers the organisation or the platform. */
  email: z.string(),
  phone: z.string().nullable(),
  role: z.enum(roles),
  orgAdmin: z.boolean(),
  membership: z.enum(membershipStatuses),
  emailVerified: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
  /** Invited: until when the invitation works (null once used or expired). */
  invitationExpiresAt: z.string().nullable(),
});
export type PersonView = z.infer<typeof personSchema>;

export const peopleSchema = z.object({
  organisation: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(organisationKinds) }),
  /** The roles a person of this organisation may have. */
  roles: z.array(z.enum(roles)),
  canManage: z.boolean(),
  /** Whether e-mails and phones are shown whole. */
  full: z.boolean(),
  items: z.array(personSchema),
  /** How many people match the filter (every page). */
  total: z.number().int(),
  /** How many ask to join (enabled requests), whatever the filter. */
  requests: z.number().int(),
});

export const registrationSchema = z.object({
  account: z.object({
    userId: z.number().int(),
    email: z.string(),
    displayName: z.string(),
    emailVerified: z.boolean(),
    membership: z.enum(membershipStatuses),
    orgAdmin: z.boolean(),
    /** What the account must do first (auth's restriction), or null. */
    restriction: z.string().nullable(),
  }),
  organisation: organisationSchema,
  /** The registration's documents (administrators of the organisation only; others: empty). */
  documents: z.array(documentSchema),
  requiredDocuments: z.array(z.enum(documentKinds)),
  missingDocuments: z.array(z.enum(documentKinds)),
  history: z.array(historySchema),
  /** The caller may change the fields and documents, and submit (or resubmit) now. */
  canEdit: z.boolean(),
  canSubmit: z.boolean(),
});
export type RegistrationView = z.infer<typeof registrationSchema>;

export const registrationDetailSchema = z.object({
  organisation: organisationSchema,
  documents: z.array(documentSchema),
  requiredDocuments: z.array(z.enum(documentKinds)),
  history: z.array(historySchema),
  /** The organisation's people (the applicant first), whole: the reviewer checks who applied. */
  people: z.array(personSchema),
  canDecide: z.boolean(),
});

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** The directory's page: `total` counts every organisation that matches (with an offset or a sort). */
export const organisationPageSchema = pageSchema(organisationSchema).extend({
  total: z.number().int().optional(),
});

export const registrationPageSchema = pageSchema(organisationSchema).extend({
  /** Every registration that matches (numbered pages: with an offset or a sort). */
  total: z.number().int().optional(),
  /** How many registrations wait in each status the caller reviews. */
  counts: z.record(z.string(), z.number().int()),
});

export const verifiedSchema = z.object({
  email: z.string(),
  membership: z.enum(membershipStatuses),
  organisationStatus: z.enum(organisationStatuses),
  /** The registration went to review with this verification. */
  submitted: z.boolean(),
});

export const invitationSchema = z.object({
  email: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  organisationName: z.string(),
  expiresAt: z.string(),
});
