import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** "<page> - 山东省大型科学仪器共享服务平台" */
export function useDocumentTitle(page: string | null | undefined) {
  const { t } = useTranslation();
  const app = t('app.name');
  useEffect(() => {
    document.title = page ? `${page} - ${app}` : app;
  }, [page, app]);
}
