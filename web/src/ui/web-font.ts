/**
 * The web font (Noto Sans SC, cut by @fontsource into ~100 unicode-range subsets per weight), for devices
 * without a Chinese font of their own: the page's font stack (global.css) names the device's fonts first, so
 * elsewhere none of its files is fetched. Its stylesheet (~70 KB gzipped of @font-face rules) is loaded after
 * the first render, and only where the device has no Chinese font (main.tsx, chinese-font.ts).
 */
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
