import './ui/global.css';
import { i18nReady } from './i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { hasChineseFont } from './ui/chinese-font';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

void i18nReady.then(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  // The web font only for a device without a Chinese font, and after the first render (ui/web-font.ts).
  void hasChineseFont().then((has) => (has ? undefined : import('./ui/web-font')));
});
