/**
 * Addresses of instrument photos. A photo is either uploaded to the platform and served at
 * /api/v1/instrument-photos/<instrument>-<random>.<ext> (a new upload gets a new address, so it can be
 * cached for good), or an https:// address on a host the platform's PHOTO_HOSTS allows. Pure: the SPA
 * uses it too.
 */
export const PHOTO_URL_PREFIX = '/api/v1/instrument-photos/';

/** The file name of an uploaded photo, as the platform makes it up. */
export const PHOTO_FILE_PATTERN = /^[1-9]\d{0,14}-[0-9a-f]{16}\.(jpg|png|webp)$/;

/** Whether an address is a photo uploaded to the platform. */
export const isPlatformPhoto = (url: string): boolean =>
  url.startsWith(PHOTO_URL_PREFIX) && PHOTO_FILE_PATTERN.test(url.slice(PHOTO_URL_PREFIX.length));

/** The host of an https:// address without credentials (lower case), or null for anything else. */
export function httpsHost(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || !parsed.hostname) return null;
  return parsed.hostname.toLowerCase();
}

/** Whether an address has the shape of a photo address (the host is checked against the allow-list apart). */
export const isPhotoAddress = (url: string): boolean => isPlatformPhoto(url) || httpsHost(url) !== null;
