/** event.update, reactions, chat, and hub-authored entries (PROTOCOL.md section 6; P20 chat and audience). */
import { describe, expect, it } from 'vitest';
import { CHAT_KEEP } from '../../src/shared/protocol';
import { audienceView, staffView } from '../../src/shared/domain';
import { Folder, LogBuilder } from './arbitraries';

const setup = () => ({ f: new Folder(), log: new LogBuilder() });

describe('event.update', () => {
  it('sets title and status and merges settings over the current ones', () => {
    const { f, log } = setup();
    expect(f.push(log.host('event.update', { title: 'Keynote', status: 'live', settings: { moderation: 'post' } }))).toBe(true);
    expect(f.push(log.host('event.update', { settings: { chat: 'off', reactions: ['🔥', '👍'] } }))).toBe(true);
    expect(staffView(f.state).event).toEqual({
      id: 'evt-1',
      title: 'Keynote',
      status: 'live',
      settings: { moderation: 'post', anonymousQuestions: true, chat: 'off', reactions: ['🔥', '👍'], wordFilter: 'flag', filterWords: [], streamDelayMs: 0 },
    });
    expect(f.push(log.host('event.update', { settings: { moderation: 'later' } }))).toBe('invalid');
    expect(f.push(log.host('event.update', { status: 'paused' }))).toBe('invalid');
  });

  it('the audience sees the settings but not the extra filter words (they would teach how to dodge the filter)', () => {
    const { f, log } = setup();
    f.push(log.host('event.update', { settings: { filterWords: ['pineapple'] } }));
    expect(staffView(f.state).event.settings.filterWords).toEqual(['pineapple']);
    expect(audienceView(f.state).event.settings.filterWords).toEqual([]);
  });

  it('P30 streamDelayMs is 0-60,000 whole ms, default 0, and both views show it', () => {
    const { f, log } = setup();
    expect(staffView(f.state).event.settings.streamDelayMs).toBe(0);
    for (const bad of [-1, 60_001, 1.5, '3000']) expect(f.push(log.host('event.update', { settings: { streamDelayMs: bad } }))).toBe('invalid');
    expect(f.push(log.host('event.update', { settings: { streamDelayMs: 3_000 } }))).toBe(true);
    expect(audienceView(f.state).event.settings.streamDelayMs).toBe(3_000);
    expect(f.push(log.host('event.update', { settings: { streamDelayMs: 60_000 } }))).toBe(true);
  });
});

describe('reactions', () => {
  it('count per emoji, only for emoji in the event\'s set (not_allowed_emoji)', () => {
    const { f, log } = setup();
    expect(f.push(log.aud('cid-aud-ann', 'reaction.send', { emoji: '👍' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'reaction.send', { emoji: '👍' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'reaction.send', { emoji: '🎉' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'reaction.send', { emoji: '🔥' }))).toBe('not_allowed_emoji');
    expect(staffView(f.state).reactions).toEqual({ '👍': 2, '🎉': 1 });
    expect(audienceView(f.state).reactions).toEqual({ '👍': 2, '🎉': 1 });
  });
});

describe('chat', () => {
  it('appends messages with author, role and hub time, without clientIds', () => {
    const { f, log } = setup();
    log.advance(42);
    expect(f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: 'm1', text: 'Hi all' }))).toBe(true);
    expect(staffView(f.state).chat).toEqual([{ id: 'm1', authorName: 'Ann', role: 'audience', text: 'Hi all', ts: log.ts }]);
    expect(audienceView(f.state).chat).toEqual(staffView(f.state).chat);
  });

  it('chat off refuses the audience (chat_off) but staff may always post', () => {
    const { f, log } = setup();
    f.push(log.host('event.update', { settings: { chat: 'off' } }));
    expect(f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: 'm1', text: 'Hello?' }))).toBe('chat_off');
    expect(f.push(log.mod('chat.send', { messageId: 'm2', text: 'Chat reopens soon' }))).toBe(true);
    expect(f.push(log.host('chat.send', { messageId: 'm3', text: 'Welcome' }))).toBe(true);
    expect(staffView(f.state).chat.map((m) => [m.id, m.role])).toEqual([['m2', 'moderator'], ['m3', 'host']]);
  });

  it(`keeps the latest ${CHAT_KEEP} messages, oldest first`, () => {
    const { f, log } = setup();
    for (let i = 1; i <= CHAT_KEEP + 5; i++) f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: `m${i}`, text: `#${i}` }));
    const chat = staffView(f.state).chat;
    expect(chat).toHaveLength(CHAT_KEEP);
    expect(chat[0]?.id).toBe('m6');
    expect(chat.at(-1)?.id).toBe(`m${CHAT_KEEP + 5}`);
  });

  it('a duplicate messageId is refused; chat.delete removes a message from every view', () => {
    const { f, log } = setup();
    f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: 'm1', text: 'one' }));
    f.push(log.aud('cid-aud-bob', 'chat.send', { messageId: 'm2', text: 'two' }));
    expect(f.push(log.aud('cid-aud-bob', 'chat.send', { messageId: 'm1', text: 'again' }))).toBe('duplicate_id');
    expect(f.push(log.mod('chat.delete', { messageId: 'm1' }))).toBe(true);
    expect(f.push(log.mod('chat.delete', { messageId: 'm1' }))).toBe('unknown_message');
    expect(staffView(f.state).chat.map((m) => m.id)).toEqual(['m2']);
    expect(audienceView(f.state).chat.map((m) => m.id)).toEqual(['m2']);
  });
});

describe('hub.presence', () => {
  it('sets audience.online and keeps the peak; only the hub may write it', () => {
    const { f, log } = setup();
    expect(f.push(log.hub('hub.presence', { online: 120 }))).toBe(true);
    expect(f.push(log.hub('hub.presence', { online: 80 }))).toBe(true);
    expect(staffView(f.state).audience).toEqual({ online: 80, peak: 120 });
    expect(audienceView(f.state).audience).toEqual({ online: 80, peak: 120 });
    expect(f.push(log.hub('hub.presence', { online: 80 }))).toBe('no_change');
    expect(f.push(log.hub('hub.presence', { online: -1 }))).toBe('invalid');
    expect(f.push(log.hub('hub.presence', { online: 1.5 }))).toBe('invalid');
    expect(f.push(log.entry('cid-staff-host', 'host', 'hub.presence', { online: 9999 }))).toBe('forbidden');
  });
});
