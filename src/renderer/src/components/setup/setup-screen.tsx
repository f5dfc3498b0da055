/** Setup: start or join an event; once in one, what the room needs (code, URL, QR), the team, hubs, export. */
import { useConsole } from '../../store/store';
import { CreateEventForm } from './create-event-form';
import { EventCard } from './event-card';
import { ExportPanel } from './export-panel';
import { HubUrlsForm } from './hub-urls-form';
import { JoinEventForm } from './join-event-form';
import { LeaveEvent } from './leave-event';
import { RehearsalPanel } from './rehearsal-panel';
import { ReportPanel } from './report-panel';
import { StartLocalForm } from './start-local-form';
import { TeamTokens } from './team-tokens';

export function SetupScreen() {
  const mode = useConsole((s) => s.session.mode);
  const canIssue = useConsole((s) => s.session.canIssueTokens);
  return (
    <div className="screen-inner">
      <header className="screen-head">
        <h2 className="screen-title">Setup</h2>
      </header>
      {mode === 'none' ? (
        <div className="grid-3">
          <StartLocalForm />
          <CreateEventForm />
          <JoinEventForm />
        </div>
      ) : (
        <div className="setup-grid">
          <EventCard />
          <div className="grid-2">
            <ExportPanel />
            <ReportPanel />
            {canIssue && <TeamTokens />}
            <HubUrlsForm />
            {mode === 'local' && <RehearsalPanel />}
          </div>
          <LeaveEvent />
        </div>
      )}
    </div>
  );
}
