/**
 * Event settings (P20, P30): moderation, anonymous questions, chat, the reaction set, the word
 * filter and its words, the stream delay. One form; Save sends only what changed, as one
 * `event.update` through the outbox. While it is queued the form keeps showing what was saved.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { DEFAULT_REACTIONS } from '../../../../shared/domain/state';
import { EmojiGlyph } from '../../../../shared/ui/emoji-glyph';
import { updateSettings } from '../../store/actions';
import { changedSettings, checkSettings, inputOf, MAX_REACTIONS, parseReactions, type SettingsErrors, type SettingsInput } from '../../store/settings-input';
import { useConsole } from '../../store/store';
import { addNotice } from '../../store/notices';
import { FormError } from '../setup/form-error';

const MODERATION = [
  { value: 'pre', label: 'Review first', help: 'New questions wait in the Q&A queue until a moderator approves them.' },
  { value: 'post', label: 'Show at once', help: 'New questions go straight to the board; moderators can still reject them.' },
] as const;

/** The saved form, shown until the hub's view has it (or the hub refused it). */
interface Submitted {
  outboxId: string;
  input: SettingsInput;
}

export function SettingsScreen() {
  const current = useConsole((s) => s.view?.doc.event.settings ?? null);
  const viewSerial = useConsole((s) => s.view?.serial ?? 0);
  const isHost = useConsole((s) => s.session.role === 'host');
  const [draft, setDraft] = useState<SettingsInput | null>(null);
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const submittedState = useConsole((s) => (submitted ? s.outbox.find((i) => i.id === submitted.outboxId) ?? null : null));

  if (!current) return <SettingsFrame><p className="empty">Waiting for the event’s state from the hub…</p></SettingsFrame>;

  const state = submittedState?.state ?? (submitted ? 'queued' : null);
  const refused = state === 'refused' || (state === 'acknowledged' && submittedState?.applied === false);
  // What was saved stays on screen until the view has the entry that applied it, so the old values never flash back.
  const applied = state === 'acknowledged' && viewSerial >= (submittedState?.serial ?? Infinity);
  const holding = submitted !== null && !refused && !applied;
  const shown = draft ?? (holding && submitted ? submitted.input : inputOf(current));
  const edit = <K extends keyof SettingsInput>(k: K, v: SettingsInput[K]): void => {
    setDraft({ ...shown, [k]: v });
    setSubmitted(null);
    if (k in errors) setErrors({ ...errors, [k]: undefined });
  };

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const check = checkSettings(shown);
    if (!check.ok) return setErrors(check.errors);
    setErrors({});
    const changed = changedSettings(current, check.settings);
    if (!changed) {
      setDraft(null);
      return addNotice('info', 'Event settings: nothing changed.');
    }
    const item = await updateSettings(changed);
    if (!item) return;
    setSubmitted({ outboxId: item.id, input: shown });
    setDraft(null);
  };

  const ids = { reactions: 'settings-reactions', words: 'settings-words', delay: 'settings-delay' };
  return (
    <SettingsFrame>
      {!isHost && <p className="banner banner-warn">Only the host can change event settings; you see them as they are.</p>}
      <form className="settings-form" aria-labelledby="settings-title" onSubmit={(e) => void save(e)} noValidate>
        <fieldset className="plain settings-grid" disabled={!isHost}>
          <section className="card form" aria-labelledby="settings-qa">
            <h3 id="settings-qa">Questions</h3>
            <fieldset className="segmented">
              <legend>Moderation</legend>
              {MODERATION.map((m) => (
                <label key={m.value} className={shown.moderation === m.value ? 'on' : undefined}>
                  <input type="radio" name="moderation" value={m.value} checked={shown.moderation === m.value} onChange={() => edit('moderation', m.value)} />
                  {m.label}
                </label>
              ))}
            </fieldset>
            <p className="muted small">{MODERATION.find((m) => m.value === shown.moderation)?.help} Questions already asked keep their status.</p>
            <label className="check">
              <input type="checkbox" checked={shown.anonymousQuestions} onChange={(e) => edit('anonymousQuestions', e.target.checked)} />
              Allow anonymous questions
            </label>
          </section>

          <section className="card form" aria-labelledby="settings-chat">
            <h3 id="settings-chat">Chat</h3>
            <label className="check">
              <input type="checkbox" checked={shown.chat} onChange={(e) => edit('chat', e.target.checked)} />
              Audience chat on
            </label>
            <p className="muted small">When off, phones hide the chat and refuse new messages; staff can still post.</p>
          </section>

          <section className="card form" aria-labelledby="settings-reactions-title">
            <h3 id="settings-reactions-title">Reactions</h3>
            <label htmlFor={ids.reactions}>Reaction emoji (up to {MAX_REACTIONS}, separated by spaces)</label>
            <input
              id={ids.reactions}
              value={shown.reactions}
              onChange={(e) => edit('reactions', e.target.value)}
              aria-invalid={errors.reactions ? true : undefined}
              aria-describedby={errors.reactions ? `${ids.reactions}-error` : undefined}
              spellCheck={false}
            />
            <FormError id={`${ids.reactions}-error`} message={errors.reactions} />
            <div className="row">
              <ReactionPreview raw={shown.reactions} />
              <button type="button" className="button small ghost" onClick={() => edit('reactions', DEFAULT_REACTIONS.join(' '))}>
                Default set
              </button>
            </div>
            <p className="muted small">Leave it empty to hide the reactions bar on phones.</p>
          </section>

          <section className="card form" aria-labelledby="settings-filter">
            <h3 id="settings-filter">Word filter</h3>
            <label className="check">
              <input type="checkbox" checked={shown.wordFilter} onChange={(e) => edit('wordFilter', e.target.checked)} />
              Flag questions and word-cloud words that match the filter
            </label>
            <label htmlFor={ids.words}>Extra words or phrases, one a line (added to the built-in list)</label>
            <textarea
              id={ids.words}
              rows={5}
              value={shown.filterWords}
              onChange={(e) => edit('filterWords', e.target.value)}
              aria-invalid={errors.filterWords ? true : undefined}
              aria-describedby={errors.filterWords ? `${ids.words}-error` : undefined}
              spellCheck={false}
            />
            <FormError id={`${ids.words}-error`} message={errors.filterWords} />
            <p className="muted small">Flagged items wait under “Flagged” in Q&amp;A and never reach the audience. The list stays with the staff.</p>
          </section>

          <section className="card form" aria-labelledby="settings-delay-title">
            <h3 id="settings-delay-title">Stream delay</h3>
            <label htmlFor={ids.delay}>Stream delay (seconds, 0 to 60)</label>
            <input
              id={ids.delay}
              inputMode="decimal"
              value={shown.streamDelaySec}
              onChange={(e) => edit('streamDelaySec', e.target.value)}
              aria-invalid={errors.streamDelaySec ? true : undefined}
              aria-describedby={errors.streamDelaySec ? `${ids.delay}-error` : undefined}
            />
            <FormError id={`${ids.delay}-error`} message={errors.streamDelaySec} />
            <p className="muted small">People who join as “watching the stream” see polls open, close and reveal this much later, and their votes count that much longer.</p>
          </section>
        </fieldset>
        {isHost && (
          <div className="row settings-actions">
            <button type="submit" className="button primary">
              Save settings
            </button>
            {draft && (
              <button type="button" className="button ghost" onClick={() => { setDraft(null); setErrors({}); }}>
                Discard changes
              </button>
            )}
            <SaveState state={state} applied={submittedState?.applied ?? null} reason={submittedState?.reason ?? null} />
          </div>
        )}
      </form>
    </SettingsFrame>
  );
}

function SaveState({ state, applied, reason }: { state: string | null; applied: boolean | null; reason: string | null }) {
  if (state === 'queued' || state === 'sent')
    return (
      <span className="tag tag-queued" role="status">
        ⏳ Saving: {state === 'queued' ? 'queued for the hub' : 'sent, waiting for the hub'}
      </span>
    );
  if (state === 'refused') return <span className="form-error" role="alert">The hub refused these settings: {reason ?? 'invalid'}.</span>;
  if (state === 'acknowledged' && applied === false) return <span className="form-error" role="alert">The hub did not apply these settings ({reason ?? 'no reason given'}).</span>;
  if (state === 'acknowledged')
    return (
      <span className="tag tag-acknowledged" role="status">
        ✓ Saved
      </span>
    );
  return null;
}

function SettingsFrame({ children }: { children: ReactNode }) {
  return (
    <div className="screen-inner settings">
      <header className="screen-head">
        <h2 className="screen-title" id="settings-title">
          Event settings
        </h2>
      </header>
      {children}
    </div>
  );
}

/** The buttons phones will show, from what is typed (only the valid emoji), drawn with the phones' shipped glyphs. */
function ReactionPreview({ raw }: { raw: string }) {
  const parsed = parseReactions(raw);
  const emoji = parsed.ok ? parsed.value : [];
  return (
    <p className="reaction-preview grow" aria-label={emoji.length ? `Phones show: ${emoji.join(' ')}` : 'Phones show no reactions'}>
      {emoji.map((e) => (
        <span key={e} className="reaction-chip" aria-hidden="true">
          <EmojiGlyph emoji={e} />
        </span>
      ))}
      {emoji.length === 0 && <span className="muted small">No reactions bar</span>}
    </p>
  );
}
