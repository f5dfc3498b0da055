/** The link to the hub as ConsoleCore reports it (`status` events). */
import type { LinkStatus } from '../../../../shared/console-api';

export interface LinkSlice {
  link: LinkStatus;
}

export const initialLink: LinkStatus = {
  state: 'closed',
  hubUrl: null,
  hubUrls: [],
  attempt: 0,
  retryAt: null,
  reason: null,
  clockOffsetMs: 0,
  node: null,
};

export const createLinkSlice = (): LinkSlice => ({ link: initialLink });
