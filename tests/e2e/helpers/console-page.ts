/** Page actions for the console UI, by role and accessible name (what a person or screen reader finds). */
import { expect, type Locator, type Page } from '@playwright/test';

export async function openConsole(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await expect(page.locator('main')).not.toHaveAttribute('aria-busy', 'true');
}

export type ScreenName = 'Run of show' | 'Q&A' | 'Live' | 'Connection' | 'Setup' | 'Event settings' | 'Chat' | 'Overlays';

export async function goTo(page: Page, screen: ScreenName): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();
}

const UNNAMED = /^\s*- (button|checkbox|radio|combobox|textbox|spinbutton|link|slider|switch|tab)(?: \[[^\]]*\])*(?::.*)?$/gm;

/** UI-9: the controls on the page that a screen reader would announce without a name. */
export async function unnamedControls(page: Page): Promise<string[]> {
  await expect(page.getByRole('main')).toBeVisible();
  const tree = await page.locator('body').ariaSnapshot();
  return tree.match(UNNAMED) ?? [];
}

/** Setup → "Create an event on a hub"; returns the join code shown in the top bar. */
export async function createEventOnHub(page: Page, hubUrl: string, adminKey: string, title: string): Promise<string> {
  await goTo(page, 'Setup');
  const form = page.getByRole('form', { name: 'Create an event on a hub' });
  await form.getByLabel('Hub URLs').fill(hubUrl);
  await form.getByLabel('Admin key').fill(adminKey);
  await form.getByLabel('Event title').fill(title);
  await form.getByRole('button', { name: 'Create event' }).click();
  const code = page.getByTestId('topbar-join-code');
  await expect(code).toHaveText(/^[A-Z0-9]{6}$/);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible();
  return (await code.textContent()) ?? '';
}

/** Run of show → New poll (single choice) → Create and open; returns the poll card. */
export async function createOpenSingleChoicePoll(page: Page, question: string, options: string[]): Promise<Locator> {
  await goTo(page, 'Run of show');
  await page.getByRole('button', { name: '+ New poll' }).click();
  const form = page.getByRole('form', { name: 'New poll' });
  await form.getByRole('radio', { name: 'Single choice' }).check();
  await form.getByLabel('Question').fill(question);
  for (let i = 2; i < options.length; i++) await form.getByRole('button', { name: '+ Add option' }).click();
  for (const [i, o] of options.entries()) await form.getByRole('textbox', { name: `Option ${i + 1}`, exact: true }).fill(o);
  await form.getByRole('button', { name: 'Create and open' }).click();
  const card = page.getByTestId('poll-card').filter({ hasText: question });
  await expect(card.getByTestId('poll-status')).toHaveText(/Voting open/);
  return card;
}

export const pollIdOf = async (card: Locator): Promise<string> => (await card.getAttribute('data-poll-id')) ?? '';

/** The queue row of a question (by id). */
export const questionRow = (page: Page, id: string): Locator => page.getByTestId('qa-queue').locator(`.qa-row[data-question-id="${id}"]`);

/** Presses single-key shortcuts with focus outside any text field. */
export async function pressKeys(page: Page, keys: string[]): Promise<void> {
  await page.locator('main').focus();
  for (const k of keys) await page.keyboard.press(k);
}
