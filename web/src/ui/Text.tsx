import type { HTMLAttributes, ReactNode } from 'react';

type TextProps = HTMLAttributes<HTMLSpanElement> & {
  type?: 'secondary' | 'danger';
  strong?: boolean;
  children: ReactNode;
};

/**
 * antd's Typography.Text as the catalogue's first screen uses it (secondary, danger, strong), styled in
 * global.css (.ui-text) with antd's colours. Typography brings its editing and copying code (TextArea,
 * tooltips): ~10 KB gzipped the public catalogue never uses. Other pages keep Typography.
 */
export function Text({ type, strong, className, children, ...rest }: TextProps) {
  const cls = ['ui-text', type && `ui-text--${type}`, className].filter(Boolean).join(' ');
  return (
    <span className={cls} {...rest}>
      {strong ? <strong>{children}</strong> : children}
    </span>
  );
}

/** Typography.Title level 5 (the filter panel's heading), same size and weight. */
export function Title5({ children }: { children: ReactNode }) {
  return <h5 className="ui-title5">{children}</h5>;
}
