import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/client';
import { settlementKeys } from '../features/settlement/queries';
import i18n from '../i18n';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // 4xx answers are final; retry network blips and 5xx once.
      retry: (failureCount, error) =>
        !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 1,
    },
  },
});

// The server writes some texts in the request's language (a claim line's check details, a batch's
// history notes, a reconciliation run's findings — all under settlementKeys.all): after a switch,
// ask for them again in the new one.
i18n.on('languageChanged', () => void queryClient.invalidateQueries({ queryKey: settlementKeys.all }));
