import type { Rule } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { LIMITS } from './instrumentForm';
import { MAX_UNIT_PRICE_FEN, parseYuanToFen } from '../../ui/money';
import { isPhotoAddress } from '../../api/catalog';
import type { Resources } from '../../i18n/zh-CN';

type FieldKey = keyof Resources['lab']['fields'];

/** Client-side rules mirroring the server's zod schema; the server stays the authority. */
export function useFormRules() {
  const { t } = useTranslation();
  const label = (field: FieldKey) => t(`lab.fields.${field}`);
  return {
    required: (field: FieldKey): Rule => ({
      required: true,
      whitespace: true,
      message: t('lab.rules.required', { field: label(field) }),
    }),
    /** The same limit for a field labelled elsewhere (the national record fields). */
    maxText: (field: string, max: number): Rule => ({
      max,
      message: t('lab.rules.maxLength', { field, max }),
    }),
    max: (field: FieldKey, max: number): Rule => ({
      max,
      message: t('lab.rules.maxLength', { field: label(field), max }),
    }),
    money: {
      validator: async (_: unknown, value: string | number | null | undefined) => {
        if (value === null || value === undefined || value === '') return;
        const fen = parseYuanToFen(value);
        if (fen === null || fen > LIMITS.maxFen) throw new Error(t('lab.rules.money'));
      },
    } satisfies Rule,
    /** A price on the rate card: at most ¥1,000,000 a unit (the server's bound). */
    price: {
      validator: async (_: unknown, value: string | number | null | undefined) => {
        if (value === null || value === undefined || value === '') return;
        const fen = parseYuanToFen(value);
        if (fen !== null && fen > MAX_UNIT_PRICE_FEN) throw new Error(t('lab.rules.price'));
      },
    } satisfies Rule,
    percent: {
      validator: async (_: unknown, value: number | null | undefined) => {
        if (value === null || value === undefined) return;
        if (!Number.isInteger(value) || value < 0 || value > 300) throw new Error(t('lab.rules.percent'));
      },
    } satisfies Rule,
    email: { type: 'email', message: t('lab.rules.email') } satisfies Rule,
    /** An https:// address or a photo uploaded to the platform (the server also checks the host). */
    photoUrl: {
      validator: async (_: unknown, value: string | null | undefined) => {
        if (!value || !value.trim()) return;
        if (!isPhotoAddress(value.trim())) throw new Error(t('lab.rules.photoUrl'));
      },
    } satisfies Rule,
    subjectAreas: {
      validator: async (_: unknown, value: string[] | undefined) => {
        const v = value ?? [];
        if (
          v.length > LIMITS.subjectAreas ||
          v.some((s) => s.trim().length === 0 || s.trim().length > LIMITS.subjectArea)
        ) {
          throw new Error(t('lab.rules.subjectAreas'));
        }
      },
    } satisfies Rule,
  };
}
