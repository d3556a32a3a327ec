/**
 * A QR code drawn as inline SVG from the module matrix that `qr` computes
 * (no canvas, no data URL, nothing the Content-Security-Policy must allow).
 * Dark modules on white with the four-module quiet zone ISO/IEC 18004 §7.3.8
 * asks for, so phones scan it on any page background.
 */
import { useMemo } from 'react';
import encodeQR from 'qr';

/** Quiet zone around the symbol, modules (ISO/IEC 18004 §7.3.8). */
const QUIET_ZONE = 4;

/** The symbol's dark modules as one SVG path (a run of dark modules per rectangle), and its size in modules. */
export function qrPath(value: string): { d: string; size: number } {
  // Medium error correction (15 %): a phone camera copes with glare on a screen; the symbol stays small.
  // The matrix comes with the quiet zone around it (light modules).
  const rows = encodeQR(value, 'raw', { ecc: 'medium', border: QUIET_ZONE });
  const parts: string[] = [];
  rows.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return { d: parts.join(''), size: rows.length };
}

/** Props of {@link QrCode}. */
export interface QrCodeProps {
  value: string;
  /** What the image is, for screen readers (the value itself should also be shown as text nearby). */
  label: string;
  /** Rendered width and height, CSS pixels. */
  size?: number;
}

/** The QR code of `value`, as an image with an accessible name. */
export function QrCode({ value, label, size = 220 }: QrCodeProps) {
  const { d, size: modules } = useMemo(() => qrPath(value), [value]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
      data-value={value}
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
