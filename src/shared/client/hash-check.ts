/**
 * P26: checks a mirrored state against the `hash` its sync frame carries (frames without one,
 * from a 1.0 hub, pass). The client's default `verify` hook. `everyMs` samples the check for
 * big views (the console's 2 MB staff view): a divergence is then caught on the next sampled
 * frame, since a wrong state stays wrong until a snapshot replaces it.
 */
import { nobleSha256Hex, stateHash, type Sha256Hex } from '../integrity/state-hash';
import type { SyncFrame } from '../protocol/frames';
import type { ViewState } from './view-mirror';

export interface HashCheckOptions {
  sha256Hex?: Sha256Hex;
  /** The state's P26 hash; replaces canonical JSON + sha256Hex (the simulator caches it per shared document). */
  hashOf?: (doc: unknown) => string;
  /** Check at most this often (0: every frame). */
  everyMs?: number;
  now?: () => number;
}

export function hashCheck(opts: HashCheckOptions = {}): (state: ViewState, frame: SyncFrame) => boolean {
  const sha = opts.sha256Hex ?? nobleSha256Hex;
  const hashOf = opts.hashOf ?? ((doc: unknown) => stateHash(doc, sha));
  const everyMs = opts.everyMs ?? 0;
  const now = opts.now ?? (() => Date.now());
  let lastAt = -Infinity;
  return (state, frame) => {
    const expected = (frame as { hash?: unknown }).hash;
    if (typeof expected !== 'string') return true;
    // A snapshot is always checked: it is what a resync after a mismatch rests on.
    if (everyMs > 0 && 'patch' in frame && now() - lastAt < everyMs) return true;
    lastAt = now();
    return hashOf(state.doc) === expected;
  };
}
