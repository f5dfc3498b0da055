/**
 * P32 on the phone: when the organisers revoke an attendee (`POST /v1/revoke`), the open page is
 * disconnected at once and says so in words, instead of retrying a token the hub now refuses.
 */
import { expect, test } from '@playwright/test';
import { ADMIN_KEY } from '../helpers/hub-process';
import { newPhone, shot, startStage, stopStage, type Stage } from './helpers/audience-env';
import { clientIdOf, joinByLink } from './helpers/phone';

let stage: Stage;

test.beforeAll(async () => {
  stage = await startStage('Town hall');
});

test.afterAll(async () => {
  await stopStage(stage);
});

test('P32 a revoked phone is told it was removed, at once', async ({ browser }) => {
  const { context, page } = await newPhone(browser);
  await joinByLink(page, stage, 'Troll');
  const clientId = await clientIdOf(page, stage.code);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const res = await fetch(`${stage.hub.url}/v1/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ eventId: stage.eventId, clientId }),
  });
  expect(res.status).toBe(200);
  await expect(page.getByRole('alert')).toContainText('The organisers removed this phone from the event.');
  await expect(page.getByRole('button', { name: 'Join again' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Connection: Disconnected' })).toBeVisible(); // not "Connecting": it will not retry
  await page.screenshot({ path: shot('audience-revoked.png'), animations: 'disabled' });
  await context.close();
});
