import { ExperimentOutlined } from '@ant-design/icons';
import { useState } from 'react';

/** The instrument's photo, or a neutral placeholder when it has none (or it fails to load). */
export function InstrumentThumb({ src, alt, size }: { src: string | null; alt: string; size: number }) {
  const [failed, setFailed] = useState(false);
  if (src && !failed) {
    return (
      <img
        className="thumb"
        src={src}
        alt={alt}
        width={size}
        height={size}
        loading="lazy"
        onError={() => setFailed(true)}
        style={{ width: size, height: size }}
      />
    );
  }
  return (
    <div className="thumb thumb--placeholder" style={{ width: size, height: size }} aria-hidden="true">
      <ExperimentOutlined style={{ fontSize: Math.round(size * 0.42) }} />
    </div>
  );
}
