/**
 * What a screen asks of the feed while it is shown (issue 15.3): the log stream only while a
 * screen shows the log, the teammate scan when the screen that assigns questions opens.
 */
import { useEffect } from 'react';
import { currentFeed } from './feed';

/** Holds a log watch while the calling component is mounted (the feed counts screens). */
export function useLogWatch(): void {
  useEffect(() => currentFeed()?.watchLog(), []);
}

/** Refreshes the teammates once the view is there (and again whenever `ready` turns true). */
export function useTeamRefresh(ready: boolean): void {
  useEffect(() => {
    if (ready) void currentFeed()?.refreshTeam();
  }, [ready]);
}
