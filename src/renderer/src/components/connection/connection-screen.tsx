/** Connection: the link per hub, the outbox with each action's state, the live log. */
import { LinkPanel } from './link-panel';
import { LogStream } from './log-stream';
import { OutboxTable } from './outbox-table';

export function ConnectionScreen() {
  return (
    <div className="screen-inner connection">
      <header className="screen-head">
        <h2 className="screen-title">Connection</h2>
      </header>
      <div className="conn-grid">
        <LinkPanel />
        <OutboxTable />
      </div>
      <LogStream />
    </div>
  );
}
