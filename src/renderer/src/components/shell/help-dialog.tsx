/** The keyboard shortcuts, opened with "?". */
import { useEffect, useRef } from 'react';
import { useConsole } from '../../store/store';
import { toggleHelp } from '../../store/ui-actions';

const GROUPS: Array<{ title: string; keys: Array<[string, string]> }> = [
  { title: 'Anywhere', keys: [['1 – 8', 'Run of show, Q&A, Live, Connection, Setup, Chat, Event settings, Overlays'], ['?', 'This help']] },
  {
    title: 'Run of show (the selected cue)',
    keys: [['j / k', 'Next / previous cue'], ['o', 'Open poll'], ['c', 'Close poll'], ['v', 'Show / hide results; quiz: reveal answer'], ['n', 'Quiz: next question']],
  },
  {
    title: 'Q&A queue',
    keys: [['j / k', 'Next / previous question'], ['a', 'Approve'], ['r', 'Reject'], ['d', 'Mark answered'], ['p', 'Pin / unpin'], ['e', 'Archive'], ['x', 'Select for bulk actions'], ['u', 'Back to pending']],
  },
];

export function HelpDialog() {
  const open = useConsole((s) => s.helpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={() => toggleHelp(false)}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      {GROUPS.map((g) => (
        <section key={g.title}>
          <h3>{g.title}</h3>
          <dl>
            {g.keys.map(([k, what]) => (
              <div key={k} className="kv">
                <dt>
                  <kbd>{k}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <button type="button" className="button" onClick={() => toggleHelp(false)}>
        Close
      </button>
    </dialog>
  );
}
