/**
 * Issue 13 item 5: the overlay address, written by the console's Overlays screen and read by the
 * overlay pages with the same module. Options at their default stay out of the URL, a wrong
 * option is named, `cue` applies only to the views that follow one cue.
 */
import { describe, expect, it } from 'vitest';
import { hubOrigin } from '../../src/shared/join-url';
import { DEFAULT_OVERLAY_OPTIONS, overlayParams, overlayUrl } from '../../src/shared/overlay-url';

const parse = (url: string) => {
  const u = new URL(url);
  return overlayParams({ pathname: u.pathname, search: u.search, hash: u.hash });
};

describe('overlay URLs', () => {
  it('round-trips every option and the token (fragment, so servers never log it)', () => {
    const options = { theme: 'light', bg: 'green', position: 'top-right', size: 'l', cue: 'poll-1' } as const;
    const url = overlayUrl('http://hub.example:8080/', 'evt 1', 'poll', 'tok.en', options);
    expect(url).toBe('http://hub.example:8080/overlay/evt%201?view=poll&theme=light&bg=green&position=top-right&size=l&cue=poll-1#token=tok.en');
    expect(parse(url)).toEqual({ ok: true, eventId: 'evt 1', kind: 'poll', token: 'tok.en', options });
  });

  it('leaves defaults out, and cue out for views that do not follow a cue', () => {
    expect(overlayUrl('http://h', 'e', 'qa', 't', { ...DEFAULT_OVERLAY_OPTIONS, cue: 'poll-1' })).toBe('http://h/overlay/e?view=qa#token=t');
    const bare = parse('http://h/overlay/e?token=t');
    expect(bare.ok && bare.kind === 'poll' && bare.options).toEqual(DEFAULT_OVERLAY_OPTIONS);
  });

  it('names what is wrong', () => {
    expect(parse('http://h/overlay/e?view=qa&theme=neon#token=t')).toEqual({ ok: false, problem: 'Unknown theme "neon": use dark, light' });
    expect(parse('http://h/overlay/e?view=qa&position=middle#token=t')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Unknown position "middle": use bottom-left/) });
    expect(parse('http://h/overlay/e?view=chart#token=t')).toMatchObject({ ok: false, problem: expect.stringMatching(/Unknown view "chart"/) });
    expect(parse('http://h/overlay/e?view=poll')).toMatchObject({ ok: false, problem: expect.stringMatching(/producer token/) });
    expect(parse('http://h/overlay/?view=poll#token=t')).toMatchObject({ ok: false, problem: expect.stringMatching(/event id/) });
    expect(parse(`http://h/overlay/e?cue=${'x'.repeat(65)}#token=t`)).toMatchObject({ ok: false, problem: expect.stringMatching(/cue/) });
  });

  it('serves from the join URL’s origin, else the first hub URL (ws becomes http)', () => {
    expect(hubOrigin('http://192.168.1.20:8080/j/ABCDEF', ['ws://127.0.0.1:8080'])).toBe('http://192.168.1.20:8080');
    expect(hubOrigin(null, ['wss://hub.example/v1/ws'])).toBe('https://hub.example');
    expect(hubOrigin(null, ['not a url'])).toBeNull();
  });
});
