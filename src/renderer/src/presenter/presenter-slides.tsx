/** The presenter's slides: each renders one `Slide` of presenter-model.ts and nothing else. */
import { fmtCountdown } from '../lib/format';
import { useNow } from '../lib/use-now';
import { useConsole } from '../store/store';
import { QrCode } from '../components/setup/qr-code';
import type { Slide } from './presenter-model';

type Of<K extends Slide['kind']> = Extract<Slide, { kind: K }>;

function useHubNow(active: boolean): number {
  const offset = useConsole((s) => s.link.clockOffsetMs);
  return useNow(250, active) + offset;
}

function Timer({ closesAt, openedAt, label }: { closesAt: number; openedAt?: number; label: string }) {
  const now = useHubNow(true);
  const left = Math.max(0, closesAt - now);
  const total = openedAt === undefined ? null : Math.max(1, closesAt - openedAt);
  return (
    <div className="pv-timer" role="timer" aria-label={label}>
      <span className="pv-timer-text">{left > 0 ? fmtCountdown(left) : 'Time is up'}</span>
      {total !== null && (
        <span className="pv-timer-track" aria-hidden="true">
          <span className="pv-timer-fill" style={{ width: `${Math.round((left / total) * 100)}%` }} />
        </span>
      )}
    </div>
  );
}

export function JoinSlide({ slide, qrSize }: { slide: Of<'join'>; qrSize: number }) {
  const shown = slide.url ? slide.url.replace(/^https?:\/\//, '').replace(/\/j\/[A-Z0-9]+$/, '') : null;
  return (
    <section className="pv-slide pv-join" aria-label="Join slide">
      <div className="pv-join-text">
        <p className="pv-kicker">{slide.title}</p>
        <p className="pv-join-how">Join on your phone</p>
        {shown && <p className="pv-join-url">{shown}</p>}
        <p className="pv-join-label">with the code</p>
        <p className="pv-code" data-testid="presenter-code">
          {slide.code ?? '——————'}
        </p>
      </div>
      {slide.url && (
        <div className="pv-qr">
          <QrCode text={slide.url} label={`QR code to join: ${slide.url}`} size={qrSize} />
        </div>
      )}
    </section>
  );
}

export function PollSlide({ slide }: { slide: Of<'poll'> }) {
  const max = slide.bars ? Math.max(1, ...slide.bars.map((b) => b.count)) : 1;
  const maxWord = slide.words ? Math.max(1, ...slide.words.map((w) => w.count)) : 1;
  return (
    <section className="pv-slide pv-poll" aria-label="Poll results">
      <p className="pv-kicker">
        {slide.open ? 'Vote now' : 'Voting closed'} · <span data-testid="presenter-ballots">{slide.ballots}</span> {slide.ballots === 1 ? 'vote' : 'votes'}
      </p>
      <h2 className="pv-title">{slide.question}</h2>
      {slide.closesAt !== null && <Timer closesAt={slide.closesAt} label="Time left to vote" />}
      {slide.bars && (
        <ul className="pv-bars" aria-label="Results">
          {slide.bars.map((b) => (
            <li key={b.id} className="pv-bar" data-option={b.id}>
              <span className="pv-bar-label">{b.label}</span>
              <span className="pv-bar-track" aria-hidden="true">
                <span className="pv-bar-fill" style={{ width: `${Math.round((b.count / max) * 100)}%` }} />
              </span>
              <span className="pv-bar-value">{Math.round(b.share * 100)}%</span>
            </li>
          ))}
        </ul>
      )}
      {slide.average !== null && <p className="pv-average">Average {slide.average.toFixed(1)}</p>}
      {slide.words && (
        <ul className="pv-cloud" aria-label="Word cloud">
          {slide.words.map((w) => (
            <li key={w.word} style={{ fontSize: `${1 + 2.6 * (w.count / maxWord)}em` }}>
              {w.word}
            </li>
          ))}
        </ul>
      )}
      {!slide.bars && !slide.words && <p className="pv-hint">{slide.open ? 'Results appear when the host shows them.' : 'Results are not shown.'}</p>}
    </section>
  );
}

export function QuizSlide({ slide }: { slide: Of<'quiz'> }) {
  const max = Math.max(1, ...slide.options.map((o) => o.count ?? 0));
  return (
    <section className="pv-slide pv-quiz" aria-label="Quiz question">
      <p className="pv-kicker">
        {slide.title} · question {slide.index + 1} of {slide.of} · {slide.answers} {slide.answers === 1 ? 'answer' : 'answers'}
      </p>
      <h2 className="pv-title">{slide.prompt}</h2>
      {!slide.revealed && <Timer closesAt={slide.closesAt} openedAt={slide.openedAt} label="Time left to answer" />}
      <ol className="pv-answers">
        {slide.options.map((o, i) => (
          <li key={o.id} className={o.correct === true ? 'correct' : o.correct === false ? 'wrong' : undefined}>
            <span className="pv-answer-letter">{String.fromCharCode(65 + i)}</span>
            <span className="pv-answer-label">{o.label}</span>
            {o.count !== null && (
              <span className="pv-answer-count">
                <span className="pv-bar-track" aria-hidden="true">
                  <span className="pv-bar-fill" style={{ width: `${Math.round((o.count / max) * 100)}%` }} />
                </span>
                {o.count}
              </span>
            )}
            {o.correct === true && <span className="pv-correct">✓ correct</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function PodiumSlide({ slide }: { slide: Of<'podium'> }) {
  const [first, second, third] = slide.rows;
  const step = (r: { name: string; score: number } | undefined, place: number) =>
    r && (
      <li className={`pv-step pv-step-${place}`} aria-label={`Place ${place}: ${r.name}, ${r.score} points`}>
        <span className="pv-step-name">{r.name}</span>
        <span className="pv-step-score">{r.score}</span>
        <span className="pv-step-block">{place}</span>
      </li>
    );
  return (
    <section className="pv-slide pv-podium" aria-label="Quiz podium">
      <p className="pv-kicker">{slide.title}</p>
      <h2 className="pv-title">Podium</h2>
      {slide.rows.length === 0 ? (
        <p className="pv-hint">No scores yet.</p>
      ) : (
        <ol className="pv-steps">
          {step(second, 2)}
          {step(first, 1)}
          {step(third, 3)}
        </ol>
      )}
    </section>
  );
}

export function QaSlide({ slide }: { slide: Of<'qa'> }) {
  return (
    <section className="pv-slide pv-qa" aria-label="Q&A wall">
      <p className="pv-kicker">{slide.title}</p>
      <h2 className="pv-title">Your questions</h2>
      {slide.questions.length === 0 ? (
        <p className="pv-hint">Ask on your phone: approved questions appear here.</p>
      ) : (
        <ul className="pv-wall">
          {slide.questions.map((q) => (
            <li key={q.id} className={q.pinned ? 'pinned' : undefined}>
              {q.pinned && <span className="pv-pin">★ Pinned</span>}
              <span className="pv-q-text">{q.text}</span>
              <span className="pv-q-meta">
                {q.author ?? 'Anonymous'} · ▲ {q.upvotes}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
