import type { DrawerProps } from 'antd';
import { lazy, Suspense, useState } from 'react';

// antd's Drawer (rc-drawer, its motion and panel) is fetched when a drawer first opens: the catalogue's first
// screen has two (the phone menu, the phone filters) that most visitors never open.
const Drawer = lazy(() => import('antd/es/drawer'));

/** antd's Drawer, mounted once first opened (and kept, so it can slide out again). */
export function LazyDrawer(props: DrawerProps) {
  const [opened, setOpened] = useState(Boolean(props.open));
  if (props.open && !opened) setOpened(true);
  if (!opened) return null;
  return (
    <Suspense fallback={null}>
      <Drawer {...props} />
    </Suspense>
  );
}
