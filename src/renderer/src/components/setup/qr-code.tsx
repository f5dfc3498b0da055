/** A QR code of `text`, rendered to a data: URL image (the CSP allows img data:). */
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 1, width: size, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [text, size]);
  if (!src) return <div className="qr qr-empty" style={{ width: size, height: size }} aria-label={label} role="img" />;
  return <img className="qr" src={src} width={size} height={size} alt={label} />;
}
