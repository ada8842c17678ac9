import { z } from 'zod';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A comma-separated list of hostnames from the environment (`a.example.cn, b.example.cn`), lower case; empty: none. */
export const hostListSetting = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(HOSTNAME, 'a hostname such as images.example.cn')));
