/**
 * The streaming overlays' addresses, read by the overlay pages and written by the console's
 * Overlays screen: `/overlay/<eventId>?view=poll|qa|reactions|leaderboard` plus display options,
 * with the producer token in the fragment (`#token=…`, never sent to the server or its logs) or,
 * for tools that drop fragments, `?token=`. Options at their default are left out of the URL.
 */
export const OVERLAY_VIEWS = ['poll', 'qa', 'reactions', 'leaderboard'] as const;
export type OverlayKind = (typeof OVERLAY_VIEWS)[number];

/** Each display option and its values, the default first. */
export const OVERLAY_CHOICES = {
  theme: ['dark', 'light'],
  bg: ['transparent', 'green', 'black'],
  position: ['bottom-left', 'bottom-right', 'top-left', 'top-right', 'center'],
  size: ['m', 's', 'l'],
} as const;
type Choices = typeof OVERLAY_CHOICES;
export type OverlayChoice = keyof Choices;

export type OverlayOptions = { [K in OverlayChoice]: Choices[K][number] } & {
  /** poll: a poll id; leaderboard: a quiz id. Null: the current one (the open poll, the running quiz). */
  cue: string | null;
};

export const DEFAULT_OVERLAY_OPTIONS: OverlayOptions = { theme: 'dark', bg: 'transparent', position: 'bottom-left', size: 'm', cue: null };

/** The views that follow one chosen cue when `cue` is set. */
export const CUE_VIEWS: readonly OverlayKind[] = ['poll', 'leaderboard'];

const MAX_ID = 64;

export function overlayUrl(base: string, eventId: string, kind: OverlayKind, token: string, options: OverlayOptions = DEFAULT_OVERLAY_OPTIONS): string {
  const q = new URLSearchParams({ view: kind });
  for (const k of Object.keys(OVERLAY_CHOICES) as OverlayChoice[]) if (options[k] !== DEFAULT_OVERLAY_OPTIONS[k]) q.set(k, options[k]);
  if (options.cue && CUE_VIEWS.includes(kind)) q.set('cue', options.cue);
  return `${base.replace(/\/+$/, '')}/overlay/${encodeURIComponent(eventId)}?${q.toString()}#token=${encodeURIComponent(token)}`;
}

export type OverlayParams =
  | { ok: true; eventId: string; kind: OverlayKind; token: string; options: OverlayOptions }
  | { ok: false; problem: string };

/** One display option from the query: its value (the default when absent), or why it is wrong. */
function choice(query: URLSearchParams, k: OverlayChoice): { ok: true; value: string } | { ok: false; problem: string } {
  const raw = query.get(k);
  if (raw === null) return { ok: true, value: DEFAULT_OVERLAY_OPTIONS[k] };
  const allowed: readonly string[] = OVERLAY_CHOICES[k];
  return allowed.includes(raw) ? { ok: true, value: raw } : { ok: false, problem: `Unknown ${k} "${raw.slice(0, 20)}": use ${allowed.join(', ')}` };
}

/** What an overlay page shows, from its address; a named problem when the address is wrong. */
export function overlayParams(loc: { pathname: string; search: string; hash: string }): OverlayParams {
  const m = /^\/overlay\/([^/?#]+)/.exec(loc.pathname);
  let eventId: string;
  try {
    eventId = m?.[1] ? decodeURIComponent(m[1]) : '';
  } catch {
    eventId = '';
  }
  if (!eventId || eventId.length > MAX_ID) return { ok: false, problem: 'The overlay address needs the event id: /overlay/<eventId>' };
  const query = new URLSearchParams(loc.search);
  const raw = query.get('view') ?? 'poll';
  const kind = OVERLAY_VIEWS.find((v) => v === raw);
  if (!kind) return { ok: false, problem: `Unknown view "${raw.slice(0, 20)}": use ${OVERLAY_VIEWS.join(', ')}` };
  const options: OverlayOptions = { ...DEFAULT_OVERLAY_OPTIONS };
  for (const k of Object.keys(OVERLAY_CHOICES) as OverlayChoice[]) {
    const c = choice(query, k);
    if (!c.ok) return c;
    (options as Record<OverlayChoice, string>)[k] = c.value;
  }
  const cue = query.get('cue');
  if (cue !== null && (cue.length === 0 || cue.length > MAX_ID)) return { ok: false, problem: 'The cue option names a poll or quiz id (1-64 characters)' };
  options.cue = cue;
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = fragment.get('token') ?? query.get('token') ?? '';
  if (!token) return { ok: false, problem: 'Add the producer token to the address: #token=…' };
  return { ok: true, eventId, kind, token, options };
}

