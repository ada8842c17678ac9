import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { organisationsApi } from '../../api/organisations';

export const orgKeys = {
  all: ['organisations'] as const,
  counties: ['organisations', 'counties'] as const,
  registration: ['organisations', 'registration'] as const,
  registrations: (q: { status: string; q: string }) => ['organisations', 'registrations', q] as const,
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

export function useRegistrations(q: { status: string; q: string }) {
  return useInfiniteQuery({
    queryKey: orgKeys.registrations(q),
    queryFn: ({ signal, pageParam }) =>
      organisationsApi.registrations({ status: q.status, q: q.q || undefined, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
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

export function usePeople(organisationId: number | undefined) {
  return useQuery({
    queryKey: orgKeys.people(organisationId ?? 0),
    queryFn: ({ signal }) => organisationsApi.people(organisationId!, signal),
    enabled: organisationId !== undefined,
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
