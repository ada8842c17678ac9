import type { CSSProperties } from 'react';

export type NativeOption<T extends string | number> = { value: T; label: string };

/**
 * A browser <select> styled like antd's Select (32 px, 6 px corners, the theme's focus ring). The catalogue's
 * first screen uses it instead of antd's Select, whose virtual list and popup code cost ~25 KB gzipped; the
 * native control keeps the keyboard, the accessible name and the phone's own picker. `placeholder` adds an
 * empty first option (shown greyed) that clears the value.
 */
export function NativeSelect<T extends string | number>({
  value,
  onChange,
  options,
  placeholder,
  className,
  style,
  'aria-label': ariaLabel,
  'data-testid': testId,
}: {
  value: T | undefined;
  onChange: (value: T | undefined) => void;
  options: NativeOption<T>[];
  placeholder?: string;
  className?: string;
  style?: CSSProperties;
  'aria-label': string;
  'data-testid'?: string;
}) {
  const empty = value === undefined;
  return (
    <select
      className={`native-select${empty ? ' native-select--empty' : ''}${className ? ` ${className}` : ''}`}
      style={style}
      value={empty ? '' : String(value)}
      onChange={(e) => {
        const picked = options.find((o) => String(o.value) === e.target.value);
        onChange(picked?.value);
      }}
      aria-label={ariaLabel}
      data-testid={testId}
    >
      {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
      {options.map((o) => (
        <option key={String(o.value)} value={String(o.value)}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
