/**
 * The console's one zustand store, built from typed slices (STYLE.md). Fed from outside React by
 * `feed.ts` and changed by `actions.ts`; components only read it, with atomic selectors or useShallow.
 */
import { create } from 'zustand';
import { createLinkSlice, type LinkSlice } from './slices/link-slice';
import { createLogSlice, type LogSlice } from './slices/log-slice';
import { createOutboxSlice, type OutboxSlice } from './slices/outbox-slice';
import { createSessionSlice, type SessionSlice } from './slices/session-slice';
import { createStatsSlice, type StatsSlice } from './slices/stats-slice';
import { createUiSlice, type UiSlice } from './slices/ui-slice';
import { createViewSlice, type ViewSlice } from './slices/view-slice';

export type ConsoleState = LinkSlice & SessionSlice & ViewSlice & StatsSlice & OutboxSlice & LogSlice & UiSlice;

export const initialConsoleState = (): ConsoleState => ({
  ...createLinkSlice(),
  ...createSessionSlice(),
  ...createViewSlice(),
  ...createStatsSlice(),
  ...createOutboxSlice(),
  ...createLogSlice(),
  ...createUiSlice(),
});

export const useConsole = create<ConsoleState>()(() => initialConsoleState());

export type ConsoleStore = typeof useConsole;
