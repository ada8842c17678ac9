import { ConfigProvider } from 'antd';
import AppContext, { type useAppProps } from 'antd/es/app/context';
import useAppStyle from 'antd/es/app/style';
import { useContext, useEffect, useState, type ReactNode } from 'react';
import type * as HoldersModule from './feedbackHolders';

type Api = useAppProps;
type Holders = typeof HoldersModule;

let holders: Promise<Holders> | null = null;
/** The mounted `<FeedbackApp>`, told when the holders' code has arrived whoever asked for it. */
let onLoaded: ((m: Holders) => void) | null = null;
const loadHolders = () =>
  (holders ??= import('./feedbackHolders').then(
    (m) => {
      onLoaded?.(m);
      return m;
    },
    (e: unknown) => {
      holders = null; // tried again on the next call
      throw e;
    },
  ));

/** The visitor's first touch, key or click: the holders are fetched then, before anything could call one. */
const FIRST_INTERACTION = ['pointerdown', 'keydown', 'touchstart'] as const;

/** Until the holders arrive, a call fetches them and waits (nothing on the catalogue's first screen calls one). */
function deferred(kind: keyof Api): unknown {
  return new Proxy(
    {},
    {
      get:
        (_target, method: string) =>
        (...args: unknown[]) => {
          void loadHolders().then(() =>
            apiReady.then((api) =>
              (api[kind] as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
            ),
          );
        },
    },
  );
}
let resolveApi: (api: Api) => void = () => undefined;
const apiReady = new Promise<Api>((resolve) => (resolveApi = resolve));
const waiting = {
  message: deferred('message'),
  notification: deferred('notification'),
  modal: deferred('modal'),
} as Api;

/**
 * antd's `<App>` (message, notification and modal for `App.useApp()`), with the holders' code fetched at the
 * visitor's first interaction or first call, not with the first screen: it is ~22 KB gzipped the public
 * catalogue never uses. Same context, same `.ant-app` root.
 */
export function FeedbackApp({ children }: { children: ReactNode }) {
  const { getPrefixCls } = useContext(ConfigProvider.ConfigContext);
  const prefixCls = getPrefixCls('app');
  const [hashId, cssVarCls] = useAppStyle(prefixCls);
  const [Loaded, setLoaded] = useState<Holders['FeedbackHolders'] | null>(null);
  const [api, setApi] = useState<Api>(waiting);
  useEffect(() => {
    onLoaded = (m) => setLoaded(() => m.FeedbackHolders);
    if (holders)
      holders.then(
        (m) => onLoaded?.(m),
        () => undefined,
      );
    const load = () => void loadHolders().catch(() => undefined);
    for (const type of FIRST_INTERACTION)
      window.addEventListener(type, load, { capture: true, once: true, passive: true });
    return () => {
      onLoaded = null;
      for (const type of FIRST_INTERACTION) window.removeEventListener(type, load, { capture: true });
    };
  }, []);
  return (
    <AppContext.Provider value={api}>
      <div className={[hashId, prefixCls, cssVarCls].filter(Boolean).join(' ')}>
        {Loaded && (
          <Loaded
            onApi={(next) => {
              resolveApi(next);
              setApi(next);
            }}
          />
        )}
        {children}
      </div>
    </AppContext.Provider>
  );
}
