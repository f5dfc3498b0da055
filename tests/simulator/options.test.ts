/** The simulator's pure parts: option checks, source address spreading, delays, the live line. */
import { describe, expect, it } from 'vitest';
import { resolveOptions, sourceAddressFor } from '../../src/simulator/options';
import { expDelayMs, logNormalMs, PROFILES, rng } from '../../src/simulator/profiles';
import { progressBar, summaryLine } from '../../src/simulator/progress';
import type { SimProgress } from '../../src/simulator/run-simulation';

describe('simulator options', () => {
  it('fills defaults and refuses what cannot run', () => {
    const ok = resolveOptions({ hubs: ['http://127.0.0.1:8787'], code: 'abc234', audience: 10 });
    expect(ok.ok && ok.options).toMatchObject({ profile: 'lively', workers: 2, dropRate: 0, code: 'ABC234' });
    expect(resolveOptions({ hubs: [], code: 'ABC234', audience: 10 }).ok).toBe(false);
    expect(resolveOptions({ hubs: ['ftp://x'], code: 'ABC234', audience: 10 }).ok).toBe(false);
    expect(resolveOptions({ hubs: ['http://h'], code: 'AB', audience: 10 }).ok).toBe(false);
    expect(resolveOptions({ hubs: ['http://h'], code: 'ABC234', audience: 0 }).ok).toBe(false);
    expect(resolveOptions({ hubs: ['http://h'], code: 'ABC234', audience: 5, dropRate: -1 }).ok).toBe(false);
    const few = resolveOptions({ hubs: ['http://h'], code: 'ABC234', audience: 3, workers: 8 });
    expect(few.ok && few.options.workers).toBe(3);
  });

  it('P6 spreads source addresses over 127.0.0.2-254 only for a loopback hub', () => {
    const addrs = new Set(Array.from({ length: 1000 }, (_, i) => sourceAddressFor('http://127.0.0.1:8787', i, true)));
    expect(addrs.size).toBe(253);
    expect(addrs.has('127.0.0.2')).toBe(true);
    expect(addrs.has('127.0.0.254')).toBe(true);
    expect(addrs.has('127.0.0.1')).toBe(false);
    expect(sourceAddressFor('http://localhost:1', 0, true)).toBe('127.0.0.2');
    expect(sourceAddressFor('http://hub.example.com', 5, true)).toBeUndefined();
    expect(sourceAddressFor('http://[::1]:8787', 5, true)).toBeUndefined();
    expect(sourceAddressFor('http://127.0.0.1:8787', 5, false)).toBeUndefined();
  });

  it('vote delays stay within the profile clamp and are spread out; a zero rate never fires', () => {
    const rand = rng(42);
    const d = PROFILES.lively.voteDelay;
    const xs = Array.from({ length: 5000 }, () => logNormalMs(rand, d)).sort((a, b) => a - b);
    expect(xs[0]).toBeGreaterThanOrEqual(d.minMs);
    expect(xs[xs.length - 1]).toBeLessThanOrEqual(d.maxMs);
    const median = xs[2500] ?? 0;
    expect(median).toBeGreaterThan(d.medianMs * 0.8);
    expect(median).toBeLessThan(d.medianMs * 1.2);
    expect(expDelayMs(rand, 0)).toBe(Infinity);
    const mean = Array.from({ length: 5000 }, () => expDelayMs(rand, 6)).reduce((a, b) => a + b, 0) / 5000;
    expect(mean).toBeGreaterThan(9_000);
    expect(mean).toBeLessThan(11_000);
  });

  it('renders the progress bar and the live line', () => {
    const p: SimProgress = { phase: 'connecting', elapsedS: 3, audience: 5000, joined: 2600, connected: 2500, failed: 0, framesInPerSec: 49800, framesOutPerSec: 812, ackP99Ms: 12.3, reconnects: 41, pendingPubs: 0, simulatorLagMs: 12 };
    expect(progressBar(p, 10)).toContain('[#####-----] 2,500/5,000 connected');
    const line = summaryLine({ ...p, phase: 'running' });
    expect(line).toContain('frames in 49,800/s out 812/s');
    expect(line).toContain('ack p99 12.3 ms');
    expect(line).toContain('reconnects 41');
    expect(line).not.toContain('lagging');
    expect(summaryLine({ ...p, phase: 'running', simulatorLagMs: 450 })).toContain('simulator lagging 450 ms');
  });
});
