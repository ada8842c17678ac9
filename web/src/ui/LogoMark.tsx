/** The platform's mark: a flask on a blue tile. */
export function LogoMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#ffffff" fillOpacity="0.16" />
      <path d="M26 12h12v4h-2v14l12 18c1.4 2.2-.1 5-2.7 5H18.7c-2.6 0-4.1-2.8-2.7-5l12-18V16h-2z" fill="#ffffff" />
      <path d="M22.5 42h19l3.3 5H19.2z" fill="#f5b324" />
    </svg>
  );
}
