/**
 * Reading a screenshot's pixels with the browser's own PNG decoder (no image library in the
 * repo): the PNG is drawn on a canvas in a scratch page and `body`, an expression over `g` (its
 * 2D context), `w` and `h`, is evaluated there.
 */
import { execFileSync } from 'node:child_process';
import type { BrowserContext, Locator } from '@playwright/test';

export async function onPixels<T>(context: BrowserContext, png: Buffer, body: string): Promise<T> {
  const page = await context.newPage();
  try {
    const expr = `(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${png.toString('base64')}';
      await img.decode();
      const c = document.createElement('canvas');
      const w = (c.width = img.width), h = (c.height = img.height);
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return (${body});
    })()`;
    return (await page.evaluate(expr)) as T;
  } finally {
    await page.close();
  }
}

/** The alpha (0-255) at each point. */
export const alphaAt = (context: BrowserContext, png: Buffer, points: Array<[number, number]>): Promise<number[]> =>
  onPixels(context, png, `${JSON.stringify(points)}.map(([x, y]) => g.getImageData(x, y, 1, 1).data[3])`);

/**
 * The share (0..1) of opaque pixels whose channels spread by more than 80 of 255. A missing glyph
 * (a box, or a monochrome outline) has none; a colour emoji has plenty (issue 14.10).
 */
export const colourShare = (context: BrowserContext, png: Buffer): Promise<number> =>
  onPixels(
    context,
    png,
    `(() => {
      const d = g.getImageData(0, 0, w, h).data;
      let opaque = 0, colour = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] < 128) continue;
        opaque++;
        if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) colour++;
      }
      return opaque ? colour / opaque : 0;
    })()`,
  );

/** The image's own state: fetched, decoded, and from the build's assets. */
export const glyphState = (img: Locator): Promise<{ src: string; loaded: boolean }> =>
  img.evaluate((el) => {
    const i = el as unknown as { currentSrc: string; complete: boolean; naturalWidth: number };
    return { src: i.currentSrc, loaded: i.complete && i.naturalWidth > 0 };
  });

/** What fontconfig offers for emoji here: the reason boxes would show without shipped glyphs. */
export function emojiFonts(): string {
  try {
    const found = execFileSync('fc-list', { encoding: 'utf8' }).split('\n').filter((l) => /emoji/i.test(l));
    return found.length ? found.join('; ') : 'none';
  } catch {
    return '(fc-list not available)';
  }
}
