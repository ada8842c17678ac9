import type { FormInstance } from 'antd';
import { isApiError, problemText } from '../../api/client';

/**
 * Puts a 400's field errors on the form's fields (`body.newPassword` → `newPassword`), with the
 * problem's detail as the text where the field message is a code; true when any field took one.
 */
export function showFieldErrors(form: FormInstance, e: unknown, fields: Record<string, string>): boolean {
  if (!isApiError(e) || e.status !== 400) return false;
  const placed = e.errors.flatMap((err) => {
    const name = fields[err.path];
    if (!name) return [];
    const text = /^[a-z0-9_]+$/.test(err.message) ? e.detail : problemText(e);
    return [{ name, errors: [text] }];
  });
  if (placed.length) form.setFields(placed);
  return placed.length > 0;
}
