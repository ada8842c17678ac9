import i18n, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import zhCN from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'isp.lang';

function storedLanguage(): Language {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function applyLanguage(lng: string) {
  dayjs.locale(lng === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = lng === 'en' ? 'en' : 'zh-CN';
}

/**
 * Chinese is bundled; English is fetched when first chosen (i18n.changeLanguage waits for it), so the
 * catalogue's first screen does not carry a second copy of every text.
 */
const englishOnDemand: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read: (lng, _ns, callback) => {
    if (lng !== 'en') return callback(null, lng === 'zh-CN' ? zhCN : {});
    import('./en').then(
      (m) => callback(null, m.default),
      (e: unknown) => callback(e instanceof Error ? e.message : String(e), false),
    );
  },
};

/** Resolves once the stored language's texts are in (at once for Chinese): render after it, no flash of Chinese. */
export const i18nReady = i18n
  .use(englishOnDemand)
  .use(initReactI18next)
  .init({
    resources: { 'zh-CN': { translation: zhCN } },
    partialBundledLanguages: true,
    lng: storedLanguage(),
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  })
  .then(() => applyLanguage(i18n.language));

i18n.on('languageChanged', (lng) => {
  applyLanguage(lng);
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for this page only
  }
});

let pageTexts: Promise<void> | null = null;
/**
 * The pages' own Chinese texts (./zh-parts), not the catalogue's: every other route and the signed-in header
 * wait for them (app/router.tsx, app/AppLayout.tsx). Fetched once; a failed fetch is tried again.
 */
export function loadPageTexts(): Promise<void> {
  pageTexts ??= import('./zh-parts').then(
    (m) => {
      i18n.addResourceBundle('zh-CN', 'translation', m.default, true, false);
    },
    (e: unknown) => {
      pageTexts = null;
      throw e;
    },
  );
  return pageTexts;
}

export const isEnglish = (lng: string) => lng.startsWith('en');

export default i18n;
