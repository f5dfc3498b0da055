/** Audience members for e2e specs: real protocol clients (TestClient) that joined by code. */
import { joinAudience } from '../../helpers/hub-process';
import { TestClient } from '../../helpers/test-client';
import type { AudienceView } from '../../../src/shared/domain/types';

export interface Member {
  client: TestClient;
  clientId: string;
}

/** Joins `n` people (a few at a time: the hub rate-limits joins per IP) and subscribes each to the audience view. */
export async function joinMany(hubUrl: string, code: string, n: number, prefix = 'Guest'): Promise<Member[]> {
  const out: Member[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, async (_, k) => {
        const j = await joinAudience(hubUrl, code, `${prefix} ${i + k + 1}`);
        const client = await TestClient.connect(hubUrl, j.token);
        client.send({ t: 'sub', view: 'audience' });
        await client.until(() => client.views.audience);
        return { client, clientId: j.clientId };
      }),
    );
    out.push(...batch);
  }
  return out;
}

export const audienceDoc = (m: Member): AudienceView | undefined => m.client.views.audience?.doc as AudienceView | undefined;

/** Waits until `check` holds on this member's audience view. */
export function untilAudience<T>(m: Member, check: (v: AudienceView) => T | undefined, timeoutMs = 30_000): Promise<T> {
  return m.client.until(() => {
    const v = audienceDoc(m);
    return v ? check(v) : undefined;
  }, timeoutMs, 'audience view');
}

export function closeAll(members: readonly Member[]): void {
  for (const m of members) m.client.close();
}
