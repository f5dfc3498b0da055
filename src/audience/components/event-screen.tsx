/**
 * The live event on the phone (issue 14.9): tabs. Live puts what can be acted on now first
 * (the running quiz question, open polls) and folds finished items into "Earlier"; Q&A has the
 * ask form, the open questions and the answered ones; Chat, while the host has it on, the
 * event's chat. The reactions bar stays on every tab.
 */
import { useEffect, useState } from 'react';
import type { Session } from '../lib/session';
import { cueKey, phoneCues, questionLists } from '../lib/select';
import { useAudience } from '../lib/store';
import { CueCard } from './cue-card';
import { EarlierSection } from './earlier-section';
import { Chat } from './chat';
import { LateVotes } from './late-votes';
import { PhoneTabs, TabPanel, type PhoneTab } from './phone-tabs';
import { QnA } from './qna';
import { ReactionsBar } from './reactions-bar';
import { EventBanner, LinkBanner, LinkDot } from './status-banner';

export function EventScreen({ session, onLeave }: { session: Session; onLeave(): void }) {
  const view = useAudience((s) => s.view);
  const title = view?.event.title ?? session.title;
  const [chosen, setTab] = useState<PhoneTab>('live');
  const chatOn = view?.event.settings.chat === 'on';
  // Chat turned off while someone reads it: back to Live (the tab is gone).
  const tab: PhoneTab = chosen === 'chat' && !chatOn ? 'live' : chosen;
  useEffect(() => {
    document.title = title ? `${title} · Stagecall` : 'Stagecall';
  }, [title]);

  const cues = view ? phoneCues(view) : { live: [], earlier: [] };
  const openQuestions = view ? questionLists(view).open.length : 0;

  function select(t: PhoneTab) {
    if (t === tab) return;
    setTab(t);
    window.scrollTo({ top: 0 }); // each tab starts at its top, not where the other one was scrolled
  }

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-row">
          <h1>{title || 'Stagecall'}</h1>
          <LinkDot />
        </div>
        <LinkBanner onLeave={onLeave} />
        <PhoneTabs
          current={tab}
          onSelect={select}
          tabs={[
            // The count on a tab you are not looking at tells you something happens there.
            { id: 'live', label: 'Live', badge: tab === 'live' ? undefined : { count: cues.live.length, spoken: `${cues.live.length} open now` } },
            { id: 'qna', label: 'Q&A', badge: { count: openQuestions, spoken: `${openQuestions} questions` } },
            ...(chatOn ? [{ id: 'chat' as const, label: 'Chat' }] : []),
          ]}
        />
      </header>
      <EventBanner />
      <main>
      <TabPanel tab="live" current={tab}>
        {!view && <p className="muted center">Loading the event…</p>}
        {view && <LateVotes view={view} />}
        {cues.live.map((c) => (
          <CueCard key={cueKey(c)} cue={c} />
        ))}
        {view && cues.live.length === 0 && (
          <section className="card idle" aria-label="Waiting">
            <p>Nothing to vote on right now. The next poll will appear here.</p>
          </section>
        )}
        <EarlierSection cues={cues.earlier} anythingLive={cues.live.length > 0} />
        {session.name && <p className="muted center small">Joined as {session.name}</p>}
      </TabPanel>
      <TabPanel tab="qna" current={tab}>
        <QnA />
      </TabPanel>
      {chatOn && (
        <TabPanel tab="chat" current={tab}>
          <Chat />
        </TabPanel>
      )}
      </main>
      <ReactionsBar />
    </div>
  );
}
