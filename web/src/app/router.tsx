import { Spin } from 'antd';
import type { ComponentType } from 'react';
import { createBrowserRouter } from 'react-router';
import { CatalogPage } from '../features/catalog/CatalogPage';
import { InstrumentDetailPage } from '../features/catalog/InstrumentDetailPage';
import { LoginPage } from '../features/auth/LoginPage';
import { NotFoundPage } from '../ui/states';
import { AppLayout } from './AppLayout';
import { LAB_ROLES, RequireRole } from './auth';

/** Lab pages load on demand (they bring the form machinery); the public catalogue stays lean. */
const labPage = (load: () => Promise<ComponentType>) => ({
  lazy: async () => {
    const Page = await load();
    return {
      element: (
        <RequireRole roles={LAB_ROLES}>
          <Page />
        </RequireRole>
      ),
    };
  },
});

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    hydrateFallbackElement: (
      <div className="page-spin">
        <Spin size="large" />
      </div>
    ),
    children: [
      { index: true, element: <CatalogPage /> },
      { path: 'instruments', element: <CatalogPage /> },
      { path: 'instruments/:id', element: <InstrumentDetailPage /> },
      { path: 'login', element: <LoginPage /> },
      {
        path: 'lab/instruments',
        ...labPage(() => import('../features/lab/LabInstrumentsPage').then((m) => m.LabInstrumentsPage)),
      },
      {
        path: 'lab/instruments/new',
        ...labPage(() => import('../features/lab/InstrumentFormPage').then((m) => m.InstrumentFormPage)),
      },
      {
        path: 'lab/instruments/:id/edit',
        ...labPage(() => import('../features/lab/InstrumentFormPage').then((m) => m.InstrumentFormPage)),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
