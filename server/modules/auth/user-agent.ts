/**
 * What a person recognises a session by: the browser and system its User-Agent names ("Chrome 131 ·
 * Windows", "微信 · iOS"). A small reading of the common browsers, not a full parser; anything else
 * shows as it is, cut short.
 */
export interface Device {
  browser: string | null;
  os: string | null;
  /** A phone or tablet. */
  mobile: boolean;
}

const BROWSERS: [RegExp, string][] = [
  [/MicroMessenger\/([\d.]+)/, 'WeChat'],
  [/DingTalk\/([\d.]+)/, 'DingTalk'],
  [/QQBrowser\/([\d.]+)/, 'QQ Browser'],
  [/UCBrowser\/([\d.]+)/, 'UC Browser'],
  [/(?:360SE|360EE|QIHU 360)/, '360 Browser'],
  [/Edg(?:e|A|iOS)?\/([\d.]+)/, 'Edge'],
  [/(?:OPR|Opera)\/([\d.]+)/, 'Opera'],
  [/SamsungBrowser\/([\d.]+)/, 'Samsung Internet'],
  [/(?:Firefox|FxiOS)\/([\d.]+)/, 'Firefox'],
  [/(?:Chrome|CriOS)\/([\d.]+)/, 'Chrome'],
  [/Version\/([\d.]+).*Safari\//, 'Safari'],
  [/curl\/([\d.]+)/, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/HarmonyOS|OpenHarmony/, 'HarmonyOS'],
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function parseUserAgent(ua: string | null | undefined): Device {
  if (!ua) return { browser: null, os: null, mobile: false };
  let browser: string | null = null;
  for (const [re, name] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      const major = m[1]?.split('.')[0];
      browser = major ? `${name} ${major}` : name;
      break;
    }
  }
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  return { browser, os, mobile: /Mobile|iPhone|iPad|Android|HarmonyOS/.test(ua) };
}

/** One line for the session list: "Chrome 131 · Windows", or the User-Agent itself when nothing is recognised. */
export function describeDevice(ua: string | null | undefined): string {
  const d = parseUserAgent(ua);
  const parts = [d.browser, d.os].filter(Boolean);
  if (parts.length) return parts.join(' · ');
  return ua ? ua.slice(0, 60) : '';
}
