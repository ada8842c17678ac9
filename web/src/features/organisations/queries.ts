import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { organisationsApi, type PeopleQuery, type RegistrationSort } from '../../api/organisations';

export const orgKeys = {
  all: ['organisations'] as const,
  counties: ['organisations', 'counties'] as const,
  registration: ['organisations', 'registration'] as const,
  registrations: (q: object) => ['organisations', 'registrations', q] as const,
  registrationDetail: (id: number) => ['organisations', 'registrations', 'detail', id] as const,
  people: (id: number) => ['organisations', 'people', id] as const,
  directory: (q: { kind: string; status: string; q: string }) => ['organisations', 'directory', q] as const,
  organisation: (id: number) => ['organisations', 'organisation', id] as const,
};

/** The province's cities and counties: fixed reference data, read once. */
export function useCounties() {
  return useQuery({
    queryKey: orgKeys.counties,
    queryFn: ({ signal }) => organisationsApi.counties(signal),
    staleTime: Infinity,
  });
}

export function useRegistration(enabled = true) {
  return useQuery({
    queryKey: orgKeys.registration,
    queryFn: ({ signal }) => organisationsApi.registration(signal),
    enabled,
  });
}

/** A numbered page of the review queue, filtered and sorted on the server (answers carry the total). */
export function useRegistrationsPage(q: {
  status: string;
  kind: '' | 'enterprise' | 'institution';
  q: string;
  sort: RegistrationSort;
  page: number;
  pageSize: number;
}) {
  return useQuery({
    queryKey: [...orgKeys.registrations(q), 'page'],
    queryFn: ({ signal }) =>
      organisationsApi.registrations(
        {
          status: q.status,
          kind: q.kind || undefined,
          q: q.q || undefined,
          sort: q.sort,
          offset: (q.page - 1) * q.pageSize,
          limit: q.pageSize,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useRegistrationDetail(id: number) {
  return useQuery({
    queryKey: orgKeys.registrationDetail(id),
    queryFn: ({ signal }) => organisationsApi.registrationDetail(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}

/** A numbered page of an organisation's people, filtered and sorted on the server (with the total). */
export function usePeople(organisationId: number | undefined, q: PeopleQuery = {}) {
  return useQuery({
    queryKey: [...orgKeys.people(organisationId ?? 0), q],
    queryFn: ({ signal }) => organisationsApi.people(organisationId!, q, signal),
    enabled: organisationId !== undefined,
    // The previous page stays while the next loads, not another organisation's people.
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[2] === organisationId ? prev : undefined),
  });
}

/** A numbered page of the platform's directory, sorted on the server (answers carry the total). */
export function useDirectoryPage(q: {
  kind: string;
  status: string;
  q: string;
  sort: 'newest' | 'oldest' | 'name';
  page: number;
  pageSize: number;
}) {
  return useQuery({
    queryKey: [...orgKeys.directory(q), 'page'],
    queryFn: ({ signal }) =>
      organisationsApi.organisations(
        {
          kind: q.kind || undefined,
          status: q.status || undefined,
          q: q.q || undefined,
          sort: q.sort,
          offset: (q.page - 1) * q.pageSize,
          limit: q.pageSize,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useDirectory(q: { kind: string; status: string; q: string }) {
  return useInfiniteQuery({
    queryKey: orgKeys.directory(q),
    queryFn: ({ signal, pageParam }) =>
      organisationsApi.organisations(
        { kind: q.kind || undefined, status: q.status || undefined, q: q.q || undefined, cursor: pageParam },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useOrganisation(id: number | null) {
  return useQuery({
    queryKey: orgKeys.organisation(id ?? 0),
    queryFn: ({ signal }) => organisationsApi.organisation(id!, signal),
    enabled: id !== null,
  });
}

/** After a change: everything of this area is read again. */
export function useOrganisationsChanged() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: orgKeys.all });
}
