/**
 * Renders the report (report-document.tsx) to one self-contained HTML file: the React tree is
 * mounted off screen in the console's own page, its chart drawn as plain SVG at a fixed size, then
 * the markup is taken as it stands and wrapped with the console's stylesheets. The file has no
 * script and loads nothing: it opens anywhere and prints (the shipped emoji glyphs, bundled
 * assets in the console, go into it as data: URLs).
 */
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { ReportData } from '../../../shared/report/report-types';
import { ReportDocument } from './report-document';
import themeCss from '../styles/theme.css?inline';
import componentsCss from '../styles/components.css?inline';
import screensCss from '../styles/screens.css?inline';
import reportCss from './report.css?inline';

/** The chart draws on its first render; should a line be missing, wait a few frames at most. */
const CHART_WAIT_MS = 3_000;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function chartsDrawn(root: HTMLElement): Promise<void> {
  const until = Date.now() + CHART_WAIT_MS;
  const pending = (): boolean => [...root.querySelectorAll('.chart-static')].some((c) => !c.querySelector('svg .chart-line'));
  // setTimeout, not requestAnimationFrame: a console in a background tab still exports.
  while (pending() && Date.now() < until) await new Promise((r) => setTimeout(r, 16));
}

const dataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('could not read a glyph'));
    r.readAsDataURL(blob);
  });

/** Each emoji glyph's image (a console asset) becomes a data: URL, so the file loads nothing. */
async function inlineGlyphs(root: HTMLElement): Promise<void> {
  const byUrl = new Map<string, Promise<string>>();
  await Promise.all(
    [...root.querySelectorAll<HTMLImageElement>('img.emoji-img')].map(async (img) => {
      const url = img.getAttribute('src') ?? '';
      if (!url || url.startsWith('data:')) return;
      let inline = byUrl.get(url);
      if (!inline) byUrl.set(url, (inline = fetch(url).then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`${url}: ${r.status}`)))).then(dataUrl)));
      img.setAttribute('src', await inline);
    }),
  );
}

export async function renderReportHtml(report: ReportData): Promise<string> {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:-20000px;top:0;width:1000px;visibility:hidden;pointer-events:none';
  document.body.appendChild(host);
  const root = createRoot(host);
  try {
    flushSync(() => root.render(<ReportDocument report={report} />));
    await chartsDrawn(host);
    await inlineGlyphs(host);
    const body = host.innerHTML;
    const css = [themeCss, componentsCss, screensCss, reportCss].join('\n');
    return `<!doctype html>
<html lang="en" data-theme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Stagecall">
<title>${escapeHtml(report.event.title)} — post-event report</title>
<style>
${css}
</style>
</head>
<body class="report-body">
${body}
</body>
</html>
`;
  } finally {
    root.unmount();
    host.remove();
  }
}
