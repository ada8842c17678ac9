/** Registration of organisations, their review, their people, and the platform's directory. */
import type { OrganisationKind, OrganisationStatus, Role, User } from './auth';
import { apiFetch, toQueryString } from './client';

export type InstitutionType = 'university' | 'institute' | 'test_centre' | 'enterprise_lab';
export type FinanceLevel = 'province' | 'city' | 'county';
export type Membership = 'active' | 'requested' | 'invited' | 'declined';
export type DocumentKind = 'business_licence' | 'authorisation_letter' | 'sme_certificate' | 'other';
export type ReviewAction =
  'submitted' | 'resubmitted' | 'approved' | 'returned' | 'rejected' | 'withdrawn' | 'accepted' | 'declined';

export type CityCounties = {
  code: string;
  name: string;
  nameEn: string;
  counties: { code: string; name: string; nameEn: string | null }[];
};

export type CreditCodeCheck = {
  code: string;
  valid: boolean;
  problem: string | null;
  registered: { name: string; kind: OrganisationKind; joinable: boolean } | null;
};

export type Organisation = {
  id: number;
  kind: OrganisationKind;
  name: string;
  nameEn: string | null;
  creditCode: string | null;
  institutionType: InstitutionType | null;
  cityCode: string | null;
  cityName: string | null;
  countyCode: string | null;
  countyName: string | null;
  address: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  status: OrganisationStatus;
  financeLevel: FinanceLevel | null;
  certified: boolean;
  submittedAt: string | null;
  reviewNote: string | null;
  reviewedAt: string | null;
  reviewedBy: { id: number; name: string } | null;
  createdAt: string;
  people?: number;
};

export type OrgDocument = {
  id: number;
  kind: DocumentKind;
  fileName: string;
  mime: string;
  size: number;
  uploadedAt: string;
  url: string;
};

export type HistoryItem = {
  action: ReviewAction;
  note: string | null;
  at: string;
  actor: { name: string; organisation: string | null } | null;
};

export type Person = {
  id: number;
  displayName: string;
  email: string;
  phone: string | null;
  role: Role;
  orgAdmin: boolean;
  membership: Membership;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
  invitationExpiresAt: string | null;
};

export type Registration = {
  account: {
    userId: number;
    email: string;
    displayName: string;
    emailVerified: boolean;
    membership: Membership;
    orgAdmin: boolean;
    restriction: string | null;
  };
  organisation: Organisation;
  documents: OrgDocument[];
  requiredDocuments: DocumentKind[];
  missingDocuments: DocumentKind[];
  history: HistoryItem[];
  canEdit: boolean;
  canSubmit: boolean;
};

export type RegistrationDetail = {
  organisation: Organisation;
  documents: OrgDocument[];
  requiredDocuments: DocumentKind[];
  history: HistoryItem[];
  people: Person[];
  canDecide: boolean;
};

/** The fields of an organisation's registration (the form's). */
export type OrganisationFields = {
  name: string;
  creditCode: string;
  institutionType: InstitutionType | null;
  cityCode: string;
  countyCode: string;
  address: string;
  legalRepresentative: string;
  contactName: string;
  contactPhone: string;
};

export type RegistrationInput = OrganisationFields & {
  kind: 'enterprise' | 'institution';
  email: string;
  displayName?: string;
  password: string;
};

export type JoinInput = { creditCode: string; displayName: string; email: string; phone: string; password: string };

export type Page<T> = { items: T[]; nextCursor: string | null };
export type PeopleList = {
  organisation: { id: number; name: string; kind: OrganisationKind };
  roles: Role[];
  canManage: boolean;
  full: boolean;
  items: Person[];
  /** How many match the filter (every page). */
  total: number;
  /** Enabled requests to join, whatever the filter. */
  requests: number;
};

/** The review queue's orders: by the time sent to review, or by name. */
export type RegistrationSort = 'newest' | 'oldest' | 'name';
export type PersonStatus = 'active' | 'requested' | 'invited' | 'declined' | 'disabled';
export type PeopleSort = 'admins' | 'name' | 'newest' | 'oldest';
export type PeopleQuery = {
  status?: PersonStatus;
  role?: Role;
  q?: string;
  sort?: PeopleSort;
  offset?: number;
  limit?: number;
};

export type Invitation = {
  email: string;
  displayName: string;
  role: Role;
  organisationName: string;
  expiresAt: string;
};
export type Decision = 'approve' | 'return' | 'reject';
export type MemberAction = 'disable' | 'enable' | 'accept' | 'decline';

export type FinanceOfficeInput = {
  name: string;
  level: FinanceLevel;
  cityCode?: string;
  countyCode?: string;
  address?: string;
  contactName?: string;
  contactPhone?: string;
};

export const organisationsApi = {
  // Signing up (public)
  counties: (signal?: AbortSignal) =>
    apiFetch<{ cities: CityCounties[] }>('/counties', { signal }).then((r) => r.cities),
  checkCreditCode: (code: string, signal?: AbortSignal) =>
    apiFetch<CreditCodeCheck>(`/registration/credit-codes/${encodeURIComponent(code)}`, { signal }),
  register: (input: RegistrationInput) =>
    apiFetch<{ user: User }>('/registration', { method: 'POST', body: input }).then((r) => r.user),
  join: (input: JoinInput) =>
    apiFetch<{ user: User }>('/registration/join', { method: 'POST', body: input }).then((r) => r.user),
  verifyEmail: (token: string) =>
    apiFetch<{ email: string; membership: Membership; organisationStatus: OrganisationStatus; submitted: boolean }>(
      '/registration/verify-email',
      { method: 'POST', body: { token } },
    ),
  resendVerification: () => apiFetch<void>('/registration/verify-email/resend', { method: 'POST' }),

  // The applicant's registration
  registration: (signal?: AbortSignal) => apiFetch<Registration>('/registration', { signal }),
  updateRegistration: (patch: Partial<OrganisationFields> & { contactEmail?: string }) =>
    apiFetch<Registration>('/registration', { method: 'PATCH', body: patch }),
  submit: () => apiFetch<Registration>('/registration/submit', { method: 'POST' }),
  upload: (organisationId: number, kind: DocumentKind, file: File) =>
    apiFetch<OrgDocument>(`/organisations/${organisationId}/documents/${kind}${toQueryString({ name: file.name })}`, {
      method: 'PUT',
      file,
    }),

  // Review
  registrations: (
    q: {
      status?: string;
      kind?: 'enterprise' | 'institution';
      q?: string;
      cursor?: string;
      sort?: RegistrationSort;
      offset?: number;
      limit?: number;
    },
    signal?: AbortSignal,
  ) =>
    apiFetch<Page<Organisation> & { counts: Record<string, number>; total?: number }>(
      `/registrations${toQueryString(q)}`,
      { signal },
    ),
  registrationDetail: (id: number, signal?: AbortSignal) =>
    apiFetch<RegistrationDetail>(`/registrations/${id}`, { signal }),
  decide: (id: number, decision: Decision, note?: string) =>
    apiFetch<RegistrationDetail>(`/registrations/${id}/${decision}`, {
      method: 'POST',
      body: note ? { note } : {},
    }),

  // People
  people: (organisationId: number, q: PeopleQuery = {}, signal?: AbortSignal) =>
    apiFetch<PeopleList>(`/organisations/${organisationId}/people${toQueryString(q)}`, { signal }),
  invite: (
    organisationId: number,
    body: { email: string; displayName: string; role?: Role; orgAdmin: boolean; phone?: string },
  ) => apiFetch<Person>(`/organisations/${organisationId}/invitations`, { method: 'POST', body }),
  updatePerson: (organisationId: number, userId: number, body: { role?: Role; orgAdmin?: boolean }) =>
    apiFetch<Person>(`/organisations/${organisationId}/people/${userId}`, { method: 'PATCH', body }),
  act: (organisationId: number, userId: number, action: MemberAction, note?: string) =>
    apiFetch<Person>(`/organisations/${organisationId}/people/${userId}/${action}`, {
      method: 'POST',
      body: note ? { note } : {},
    }),
  invitation: (token: string, signal?: AbortSignal) =>
    apiFetch<Invitation>('/invitations/preview', { method: 'POST', body: { token }, signal }),
  acceptInvitation: (token: string, password: string, displayName?: string) =>
    apiFetch<{ user: User }>('/invitations/accept', { method: 'POST', body: { token, password, displayName } }).then(
      (r) => r.user,
    ),

  // The platform's directory
  organisations: (
    q: {
      kind?: string;
      status?: string;
      q?: string;
      cursor?: string;
      sort?: 'newest' | 'oldest' | 'name';
      offset?: number;
      limit?: number;
    },
    signal?: AbortSignal,
  ) => apiFetch<Page<Organisation> & { total?: number }>(`/organisations${toQueryString(q)}`, { signal }),
  organisation: (id: number, signal?: AbortSignal) => apiFetch<Organisation>(`/organisations/${id}`, { signal }),
  createFinanceOffice: (body: FinanceOfficeInput) =>
    apiFetch<Organisation>('/finance-offices', { method: 'POST', body }),
};
