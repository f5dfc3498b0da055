/**
 * Issue 13 item 4: the Event settings form's checks. Each bad field gets a message that names the
 * problem (and the others are still checked), and Save sends only what differs from the hub's.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/domain/state';
import { EventSettings } from '../../src/shared/protocol/messages';
import { changedSettings, checkSettings, inputOf } from '../../src/renderer/src/store/settings-input';

const form = inputOf(DEFAULT_SETTINGS);

describe('event settings form', () => {
  it('round-trips the hub defaults with nothing to send', () => {
    const c = checkSettings(form);
    expect(c.ok).toBe(true);
    if (c.ok) expect(changedSettings(DEFAULT_SETTINGS, c.settings)).toBeNull();
  });

  it('sends only the changed fields, in the shape the hub accepts', () => {
    const c = checkSettings({ ...form, chat: false, moderation: 'post', reactions: '🔥,🎉  👏', streamDelaySec: '7.5' });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const changed = changedSettings(DEFAULT_SETTINGS, c.settings);
    expect(changed).toEqual({ chat: 'off', moderation: 'post', reactions: ['🔥', '🎉', '👏'], streamDelayMs: 7500 });
    expect(EventSettings.safeParse(changed).success).toBe(true);
  });

  it('splits emoji typed together, keeping multi-code-point emoji whole', () => {
    const c = checkSettings({ ...form, reactions: '👍❤️🇫🇷👩‍💻' });
    expect(c.ok && c.settings.reactions).toEqual(['👍', '❤️', '🇫🇷', '👩‍💻']);
  });

  it('names every bad field at once', () => {
    const c = checkSettings({ ...form, reactions: '👍 yes', filterWords: `ok\n${'x'.repeat(41)}`, streamDelaySec: '61' });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors.reactions).toMatch(/“yes” is not an emoji/);
    expect(c.errors.filterWords).toMatch(/41 characters.*40/);
    expect(c.errors.streamDelaySec).toMatch(/at most 60 seconds/);
  });

  it('refuses too many reactions, duplicates, and a delay that is not a number', () => {
    const nine = checkSettings({ ...form, reactions: '😀 😃 😄 😁 😆 😅 😂 🤣 😊' });
    expect(!nine.ok && nine.errors.reactions).toMatch(/9 reactions: the limit is 8/);
    const twice = checkSettings({ ...form, reactions: '👍 👍' });
    expect(!twice.ok && twice.errors.reactions).toMatch(/twice/);
    for (const bad of ['-1', 'ten', '1e3', '5s']) {
      const c = checkSettings({ ...form, streamDelaySec: bad });
      expect(!c.ok && c.errors.streamDelaySec, bad).toMatch(/number of seconds/);
    }
  });

  it('an empty reaction set and an empty delay are allowed; filter words are trimmed and deduplicated', () => {
    const c = checkSettings({ ...form, reactions: '  ', streamDelaySec: '', filterWords: ' spoiler \n\nspoiler\nbad phrase ' });
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.settings).toMatchObject({ reactions: [], streamDelayMs: 0, filterWords: ['spoiler', 'bad phrase'] });
  });
});
