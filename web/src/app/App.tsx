import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import type { ThemeConfig } from 'antd';
// The ES builds: en_US is antd's own default (already in the bundle), not a second CommonJS copy.
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { useReducedMotion } from '../ui/useReducedMotion';
import { AuthProvider } from './auth';
import { FeedbackApp } from './feedback';
import { queryClient } from './queryClient';
import { router } from './router';

/** The device's own fonts first; the web font only where it has no Chinese font (see ui/global.css). */
export const FONT_FAMILY =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Local CJK Sans', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif";

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#0b4f9c',
    colorInfo: '#0b4f9c',
    colorLink: '#0b4f9c',
    borderRadius: 6,
    fontFamily: FONT_FAMILY,
    colorBgLayout: '#f3f5f9',
  },
  components: {
    Layout: { headerBg: '#0b4f9c', headerHeight: 64, headerPadding: '0 24px', siderBg: '#ffffff', footerBg: '#f3f5f9' },
    Menu: { itemBorderRadius: 6, itemSelectedBg: '#e8f0fa', itemSelectedColor: '#0b4f9c', itemActiveBg: '#f0f5fb' },
  },
};

// antd's zooms and slides are off on a device that asks for less motion.
const stillTheme: ThemeConfig = { ...theme, token: { ...theme.token, motion: false } };

export function App() {
  const { i18n } = useTranslation();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={reducedMotion ? stillTheme : theme}>
      <FeedbackApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </FeedbackApp>
    </ConfigProvider>
  );
}
