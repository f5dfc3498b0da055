/**
 * Issue 14.9: the phone's tabs, Live and Q&A (and Chat while it is on), as the WAI-ARIA tabs pattern: one tab stop,
 * arrow keys (and Home/End) move between tabs and select them. Both panels stay mounted and the
 * inactive one is hidden, so a half-written question survives a look at the live poll.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export type PhoneTab = 'live' | 'qna' | 'chat';

export interface TabSpec {
  id: PhoneTab;
  label: string;
  /** A small count on the tab (shown when above zero), with the words a screen reader says for it. */
  badge?: { count: number; spoken: string };
}

export const tabId = (t: PhoneTab): string => `tab-${t}`;
export const panelId = (t: PhoneTab): string => `panel-${t}`;

export function PhoneTabs({ tabs, current, onSelect }: { tabs: TabSpec[]; current: PhoneTab; onSelect(t: PhoneTab): void }) {
  const refs = useRef<Partial<Record<PhoneTab, HTMLButtonElement | null>>>({});

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const at = tabs.findIndex((t) => t.id === current);
    const to =
      e.key === 'ArrowRight' ? (at + 1) % tabs.length
      : e.key === 'ArrowLeft' ? (at - 1 + tabs.length) % tabs.length
      : e.key === 'Home' ? 0
      : e.key === 'End' ? tabs.length - 1
      : -1;
    const next = tabs[to];
    if (!next) return;
    e.preventDefault();
    onSelect(next.id);
    refs.current[next.id]?.focus();
  }

  return (
    <div className="tabs" role="tablist" aria-label="Sections" onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const selected = t.id === current;
        const shown = !!t.badge && t.badge.count > 0;
        return (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={tabId(t.id)}
            aria-selected={selected}
            aria-label={shown ? `${t.label}, ${t.badge?.spoken}` : undefined}
            aria-controls={panelId(t.id)}
            tabIndex={selected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(t.id)}
          >
            {t.label}
            {shown && (
              <span className="badge" aria-hidden="true">
                {t.badge?.count}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel({ tab, current, children }: { tab: PhoneTab; current: PhoneTab; children: ReactNode }) {
  return (
    <div role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} hidden={tab !== current} className="content">
      {children}
    </div>
  );
}
