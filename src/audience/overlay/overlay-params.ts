/**
 * What an overlay shows, from its URL: `/overlay/<eventId>?view=poll|qa|reactions|leaderboard`
 * with the producer token in the fragment (`#token=…`, never sent to the server or its logs)
 * or, for tools that drop fragments, `?token=`.
 */
export const OVERLAY_VIEWS = ['poll', 'qa', 'reactions', 'leaderboard'] as const;
export type OverlayKind = (typeof OVERLAY_VIEWS)[number];

export type OverlayParams =
  | { ok: true; eventId: string; kind: OverlayKind; token: string }
  | { ok: false; problem: string };

export function overlayParams(loc: Pick<Location, 'pathname' | 'search' | 'hash'>): OverlayParams {
  const m = /^\/overlay\/([^/?#]+)/.exec(loc.pathname);
  let eventId: string;
  try {
    eventId = m?.[1] ? decodeURIComponent(m[1]) : '';
  } catch {
    eventId = '';
  }
  if (!eventId || eventId.length > 64) return { ok: false, problem: 'The overlay address needs the event id: /overlay/<eventId>' };
  const query = new URLSearchParams(loc.search);
  const raw = query.get('view') ?? 'poll';
  const kind = OVERLAY_VIEWS.find((v) => v === raw);
  if (!kind) return { ok: false, problem: `Unknown view "${raw.slice(0, 20)}": use ${OVERLAY_VIEWS.join(', ')}` };
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = fragment.get('token') ?? query.get('token') ?? '';
  if (!token) return { ok: false, problem: 'Add the producer token to the address: #token=…' };
  return { ok: true, eventId, kind, token };
}
