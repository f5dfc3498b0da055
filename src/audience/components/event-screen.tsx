/** The live event on the phone: status, quiz, polls, Q&A, and the reactions bar. */
import { useEffect } from 'react';
import type { Session } from '../lib/session';
import { activeQuiz, visiblePolls } from '../lib/select';
import { useAudience } from '../lib/store';
import { LateVotes } from './late-votes';
import { PollCard } from './poll-card';
import { QnA } from './qna';
import { QuizCard } from './quiz-card';
import { ReactionsBar } from './reactions-bar';
import { EventBanner, LinkBanner, LinkDot } from './status-banner';

export function EventScreen({ session, onLeave }: { session: Session; onLeave(): void }) {
  const view = useAudience((s) => s.view);
  const title = view?.event.title ?? session.title;
  useEffect(() => {
    document.title = title ? `${title} · Stagecall` : 'Stagecall';
  }, [title]);

  const quiz = view ? activeQuiz(view) : null;
  const polls = view ? visiblePolls(view) : [];

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-row">
          <h1>{title || 'Stagecall'}</h1>
          <LinkDot />
        </div>
        <LinkBanner onLeave={onLeave} />
      </header>
      <EventBanner />
      <main className="content">
        {!view && <p className="muted center">Loading the event…</p>}
        {view && <LateVotes view={view} />}
        {quiz && <QuizCard quiz={quiz} />}
        {polls.map((p) => (
          <PollCard key={p.id} poll={p} />
        ))}
        {view && !quiz && polls.length === 0 && (
          <section className="card idle" aria-label="Waiting">
            <p>Nothing to vote on right now. The next poll will appear here.</p>
          </section>
        )}
        <QnA />
        {session.name && <p className="muted center small">Joined as {session.name}</p>}
      </main>
      <ReactionsBar />
    </div>
  );
}
