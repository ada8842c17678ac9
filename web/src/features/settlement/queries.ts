import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { reconciliationApi, settlementApi, type Batch, type BatchFilter, type Run } from '../../api/settlement';

export const settlementKeys = {
  all: ['settlement'] as const,
  batches: (filter: BatchFilter) => ['settlement', 'batches', filter] as const,
  batch: (id: number) => ['settlement', 'batch', id] as const,
  dashboard: ['settlement', 'dashboard'] as const,
  runs: ['settlement', 'runs'] as const,
  run: (id: number) => ['settlement', 'run', id] as const,
};

export function useBatches(filter: BatchFilter = {}) {
  return useQuery({
    queryKey: settlementKeys.batches(filter),
    queryFn: ({ signal }) => settlementApi.batches(filter, signal),
    placeholderData: keepPreviousData,
  });
}

export function useBatch(id: number) {
  return useQuery({
    queryKey: settlementKeys.batch(id),
    queryFn: ({ signal }) => settlementApi.batch(id, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

export function useDashboard() {
  return useQuery({ queryKey: settlementKeys.dashboard, queryFn: ({ signal }) => settlementApi.dashboard(signal) });
}

export function useRuns() {
  return useQuery({ queryKey: settlementKeys.runs, queryFn: ({ signal }) => reconciliationApi.runs(signal) });
}

export function useRun(id: number) {
  return useQuery({
    queryKey: settlementKeys.run(id),
    queryFn: ({ signal }) => reconciliationApi.run(id, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

/**
 * A mutation's answer shown at once: a read of the same key still under way (e.g. the refetch after a
 * language switch) is cancelled first, or its older answer would land on top of this one.
 */
function useAnswered() {
  const qc = useQueryClient();
  return <T>(key: readonly unknown[], answer: T, then: () => void) =>
    void qc.cancelQueries({ queryKey: key, exact: true }).then(() => {
      qc.setQueryData(key, answer);
      then();
    });
}

/** A mutation answered with the batch: show it at once, and let the lists and the dashboard refetch. */
export function useBatchAnswered() {
  const qc = useQueryClient();
  const answered = useAnswered();
  return (batch: Batch) =>
    answered(settlementKeys.batch(batch.id), batch, () => {
      void qc.invalidateQueries({
        queryKey: settlementKeys.all,
        predicate: (q) => !(q.queryKey[1] === 'batch' && q.queryKey[2] === batch.id),
      });
      // The ledger and the voucher figures move with decisions and payments.
      void qc.invalidateQueries({ queryKey: ['ledger'] });
    });
}

/** The same for a reconciliation run. */
export function useRunAnswered() {
  const qc = useQueryClient();
  const answered = useAnswered();
  return (run: Run) =>
    answered(settlementKeys.run(run.id), run, () => {
      void qc.invalidateQueries({ queryKey: settlementKeys.runs });
      void qc.invalidateQueries({ queryKey: settlementKeys.dashboard });
    });
}
