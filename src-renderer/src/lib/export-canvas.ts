// The canvas as a file: an SVG that stands alone (every drawn element carries its computed paint and font, since
// the page's style sheets and theme variables do not travel), and a PNG rendered from it. Downloads go through an
// <a download>, which Electron and the browser both honour.
import type { Bounds } from './zoom.ts';

const PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'letter-spacing', 'text-transform', 'paint-order', 'stroke-linejoin', 'visibility'] as const;

/** A standalone SVG of `content` (the canvas's drawing group) showing `bounds`, on `background`. */
export function canvasSvg(content: SVGGElement, bounds: Bounds, background: string, pad = 24): string {
  const clone = content.cloneNode(true) as SVGGElement;
  clone.removeAttribute('transform');
  const src = [content, ...content.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const out = dst[i] as Element;
    const cs = getComputedStyle(el);
    if (cs.display === 'none') {
      out.remove();
      return;
    }
    const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    out.setAttribute('style', style);
    for (const a of ['tabindex', 'role', 'data-drag', 'class']) out.removeAttribute(a);
  });
  // Hit areas are transparent: leave them out.
  for (const el of clone.querySelectorAll('[data-hit]')) el.remove();
  const x = bounds.x - pad;
  const y = bounds.y - pad;
  const w = bounds.w + 2 * pad;
  const h = bounds.h + 2 * pad;
  const ns = 'http://www.w3.org/2000/svg';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="${ns}" viewBox="${x} ${y} ${w} ${h}" width="${Math.ceil(w)}" height="${Math.ceil(h)}">` +
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${background}"/>` +
    new XMLSerializer().serializeToString(clone).replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '') +
    '</svg>\n'
  );
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Renders an SVG text to a PNG at `scale` (2 for a sharp image on high-density screens). */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    const max = 16_384;
    const k = Math.min(scale, max / img.width, max / img.height);
    canvas.width = Math.max(1, Math.round(img.width * k));
    canvas.height = Math.max(1, Math.round(img.height * k));
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2D canvas');
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
