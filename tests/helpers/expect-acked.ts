/** The exactly-once check every cluster test makes, with vitest's expect (cluster.ts stays usable from benchmarks). */
import { expect } from 'vitest';
import type { WireEntry } from '../../src/shared/protocol';
import type { RoamingClient } from './roaming-client';

/** Every id a publisher sent is in the log exactly once, under the serial its ack named (P14, no false ack). */
export function expectAckedOnce(byKey: Map<string, WireEntry[]>, publishers: Array<{ clientId: string; client: RoamingClient; ids: string[] }>): void {
  for (const p of publishers) {
    for (const id of p.ids) {
      const found = byKey.get(`${p.clientId}/${id}`) ?? [];
      expect(found, `${id} exactly once`).toHaveLength(1);
      expect(p.client.acked.get(id)?.serial, `${id}: its ack names its entry`).toBe(found[0]?.serial);
    }
  }
}
