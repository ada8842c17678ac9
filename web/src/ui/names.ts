import { isEnglish } from '../i18n';

type Named = { name: string; nameEn?: string | null };

/** The English name in English mode when there is one, else the Chinese name. */
export const localName = (n: Named, lang: string) => (isEnglish(lang) && n.nameEn ? n.nameEn : n.name);
