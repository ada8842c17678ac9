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

/** A mutation answered with the batch: show it at once, and let the lists and the dashboard refetch. */
export function useBatchAnswered() {
  const qc = useQueryClient();
  return (batch: Batch) => {
    qc.setQueryData(settlementKeys.batch(batch.id), batch);
    void qc.invalidateQueries({
      queryKey: settlementKeys.all,
      predicate: (q) => !(q.queryKey[1] === 'batch' && q.queryKey[2] === batch.id),
    });
    // The ledger and the voucher figures move with decisions and payments.
    void qc.invalidateQueries({ queryKey: ['ledger'] });
  };
}

/** The same for a reconciliation run. */
export function useRunAnswered() {
  const qc = useQueryClient();
  return (run: Run) => {
    qc.setQueryData(settlementKeys.run(run.id), run);
    void qc.invalidateQueries({ queryKey: settlementKeys.runs });
    void qc.invalidateQueries({ queryKey: settlementKeys.dashboard });
  };
}
