/**
 * One overlay page: what it shows, its display options (each changes the URL), the URL with its
 * token and a Copy button, and a live preview (the page itself, scaled down over a checkerboard,
 * as a compositor shows a transparent source).
 */
import { useId, useState } from 'react';
import { CUE_VIEWS, DEFAULT_OVERLAY_OPTIONS, overlayUrl, type OverlayChoice, type OverlayKind, type OverlayOptions } from '../../../../shared/overlay-url';
import { useConsole } from '../../store/store';
import { CopyButton } from '../setup/copy-button';

export interface CueChoice {
  id: string;
  label: string;
}

const INFO: Record<OverlayKind, { label: string; help: string; options: OverlayChoice[]; cueNoun?: string }> = {
  poll: { label: 'Poll', help: 'The open poll, then its results once you show them.', options: ['theme', 'bg', 'position', 'size'], cueNoun: 'Poll' },
  qa: { label: 'Q&A', help: 'The pinned (else most upvoted) approved question, and the next two.', options: ['theme', 'bg', 'position', 'size'] },
  reactions: { label: 'Reactions', help: 'Emoji float up the screen as the audience reacts.', options: ['bg', 'size'] },
  leaderboard: { label: 'Leaderboard', help: 'The quiz’s top five, live.', options: ['theme', 'bg', 'position', 'size'], cueNoun: 'Quiz' },
};

const CHOICE_LABELS: { [K in OverlayChoice]: { label: string; values: Record<OverlayOptions[K], string> } } = {
  theme: { label: 'Theme', values: { dark: 'Dark panels', light: 'Light panels' } },
  bg: { label: 'Background', values: { transparent: 'Transparent', green: 'Green (chroma key)', black: 'Black' } },
  position: { label: 'Position', values: { 'bottom-left': 'Bottom left', 'bottom-right': 'Bottom right', 'top-left': 'Top left', 'top-right': 'Top right', center: 'Centre' } },
  size: { label: 'Size', values: { m: 'Medium', s: 'Small', l: 'Large' } },
};

/** Each overlay's options last while the console runs, so a visit to another screen keeps them. */
const remembered = new Map<OverlayKind, OverlayOptions>();

interface Props {
  kind: OverlayKind;
  base: string;
  eventId: string;
  token: string;
  /** Polls (poll overlay) or quizzes (leaderboard) the overlay can be fixed to. */
  cues: CueChoice[];
}

export function OverlayCard({ kind, base, eventId, token, cues }: Props) {
  const info = INFO[kind];
  const [options, setShown] = useState<OverlayOptions>(() => remembered.get(kind) ?? DEFAULT_OVERLAY_OPTIONS);
  const setOptions = (o: OverlayOptions): void => {
    remembered.set(kind, o);
    setShown(o);
  };
  const headingId = useId();
  const url = overlayUrl(base, eventId, kind, token, options);
  const set = <K extends keyof OverlayOptions>(k: K, v: OverlayOptions[K]): void => setOptions({ ...options, [k]: v });
  // Electron hands only https links to the system browser (trusted-sender.ts): elsewhere Copy is the way.
  const canOpen = useConsole((s) => s.app?.shell !== 'electron') || url.startsWith('https:');
  const cueKnown = options.cue === null || cues.some((c) => c.id === options.cue);

  return (
    <section className="card overlay-card" aria-labelledby={headingId} data-overlay={kind}>
      <div className="overlay-text">
        <h3 id={headingId}>{info.label} overlay</h3>
        <p className="muted small">{info.help}</p>
        <div className="overlay-options">
          {info.options.map((k) => (
            <label key={k}>
              {CHOICE_LABELS[k].label}
              <select value={options[k]} onChange={(e) => set(k, e.target.value as OverlayOptions[typeof k])}>
                {Object.entries(CHOICE_LABELS[k].values).map(([v, l]) => (
                  <option key={v} value={v}>
                    {l as string}
                  </option>
                ))}
              </select>
            </label>
          ))}
          {info.cueNoun && CUE_VIEWS.includes(kind) && (
            <label>
              {info.cueNoun}
              <select value={options.cue ?? ''} onChange={(e) => set('cue', e.target.value || null)}>
                <option value="">{kind === 'poll' ? 'Follow the show (the open poll)' : 'Follow the show (the running quiz)'}</option>
                {cues.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
                {!cueKnown && options.cue && <option value={options.cue}>(deleted) {options.cue}</option>}
              </select>
            </label>
          )}
        </div>
        <div className="url-row overlay-url">
          <input readOnly value={url} aria-label={`${info.label} overlay URL`} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={url} label={`Copy ${info.label} overlay URL`} />
          {canOpen && (
            <a className="button small ghost" href={url} target="_blank" rel="noreferrer" aria-label={`Open the ${info.label} overlay in a new tab`}>
              Open
            </a>
          )}
        </div>
        <p className="muted small">Browser source: 1920 × 1080{options.bg === 'transparent' ? ', no custom CSS needed (the page is transparent)' : ''}.</p>
      </div>
      <div className="overlay-preview">
        <iframe title={`${info.label} overlay preview`} src={url} width={1920} height={1080} tabIndex={-1} loading="lazy" />
      </div>
    </section>
  );
}
