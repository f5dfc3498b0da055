/** Page actions for the audience app, by role and accessible name (what a person sees). */
import { expect, type Locator, type Page } from '@playwright/test';
import type { Stage } from './audience-env';

/** The few browser globals the specs touch inside page.evaluate (the Node tsconfig has no DOM lib). */
export interface BrowserGlobals {
  localStorage: { getItem(k: string): string | null };
  document: { body: { textContent: string | null } };
  getComputedStyle(el: unknown): { backgroundColor: string };
}

export async function joinByLink(page: Page, stage: Stage, name?: string, title = 'Town hall'): Promise<void> {
  await page.goto(`${stage.hub.url}/j/${stage.code}`);
  await expect(page.getByLabel('Event code')).toHaveValue(stage.code);
  if (name) await page.getByLabel('Your name (optional)').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  // Joined means holding the event: a test that acts next (or cuts the network) sees what a person would.
  await expect(page.getByText('Loading the event…')).toHaveCount(0);
}

export async function joinByCode(page: Page, stage: Stage, name?: string, title = 'Town hall'): Promise<void> {
  await page.goto(`${stage.hub.url}/`);
  await page.getByLabel('Event code').fill(stage.code.toLowerCase());
  if (name) await page.getByLabel('Your name (optional)').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  // Joined means holding the event: a test that acts next (or cuts the network) sees what a person would.
  await expect(page.getByText('Loading the event…')).toHaveCount(0);
}

export const pollCard = (page: Page, question: string): Locator => page.getByRole('region', { name: question });
/** Issue 14.9: the phone's tabs. */
export const phoneTab = (page: Page, name: 'Live' | 'Q&A' | 'Chat'): Locator => page.getByRole('tab', { name: new RegExp(`^${name}`) });
/** Q&A lives on its own tab: select it (a no-op when it is already selected). */
export async function openQnA(page: Page): Promise<Locator> {
  await phoneTab(page, 'Q&A').click();
  await expect(phoneTab(page, 'Q&A')).toHaveAttribute('aria-selected', 'true');
  return qna(page);
}
/** Chat has a tab while the host has it on. */
export async function openChat(page: Page): Promise<Locator> {
  await phoneTab(page, 'Chat').click();
  await expect(phoneTab(page, 'Chat')).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('region', { name: 'Chat' });
}
export async function openLive(page: Page): Promise<void> {
  await phoneTab(page, 'Live').click();
  await expect(phoneTab(page, 'Live')).toHaveAttribute('aria-selected', 'true');
}
export const qna = (page: Page): Locator => page.getByRole('region', { name: 'Questions' });
export const boardItem = (page: Page, text: string): Locator =>
  page.getByRole('list', { name: 'Audience questions' }).getByRole('listitem').filter({ hasText: text });
export const ownItem = (page: Page, text: string): Locator =>
  page.getByRole('list', { name: 'Your questions' }).getByRole('listitem').filter({ hasText: text });

export async function ask(page: Page, text: string, anonymous = false): Promise<void> {
  await openQnA(page);
  await qna(page).getByRole('textbox', { name: 'Your question' }).fill(text);
  if (anonymous) await qna(page).getByRole('checkbox', { name: 'Ask anonymously' }).check();
  await qna(page).getByRole('button', { name: 'Send question' }).click();
}

/** The clientId this phone joined as (kept in localStorage by the app). */
export async function clientIdOf(page: Page, code: string): Promise<string> {
  const raw = await page.evaluate((k) => (globalThis as unknown as BrowserGlobals).localStorage.getItem(k), `stagecall.session.${code}`);
  const id = raw ? (JSON.parse(raw) as { clientId?: unknown }).clientId : undefined;
  if (typeof id !== 'string') throw new Error('no stored session');
  return id;
}
