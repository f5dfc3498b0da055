/** P28 (editing the run of show, its order, timers) and P29 (event status has effect). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, audienceView, hubTimers, staffView, type EventState, type LogEntry } from '../../src/shared/domain';
import { HUB_CLIENT_ID } from '../../src/shared/domain';
import { arbCmd, arbLog, Folder, foldLog, freshState, LogBuilder, START_TS, toLog, type Cmd } from './arbitraries';

const OPTS = [
  { id: 'o1', label: 'One' },
  { id: 'o2', label: 'Two' },
];
const cueIds = (s: EventState): string[] => {
  const v = staffView(s);
  return [...Object.keys(v.polls), ...Object.keys(v.quizzes)];
};

/**
 * Folds commands the way a hub does: before each entry, every timer due by its time is appended
 * first (clientId `hub`, the timer's id), and an id already appended is a duplicate (P14).
 */
function foldWithHub(cmds: readonly Cmd[]): { entries: LogEntry[]; states: EventState[] } {
  const entries: LogEntry[] = [];
  const states: EventState[] = [freshState()];
  const seen = new Set<string>();
  let ts = START_TS;
  const push = (e: Omit<LogEntry, 'serial'>) => {
    const entry = { ...e, serial: entries.length + 1 };
    entries.push(entry);
    states.push(apply(states[states.length - 1] as EventState, entry).state);
  };
  for (const c of cmds) {
    const next = ts + c.dt;
    for (;;) {
      const due = hubTimers(states[states.length - 1] as EventState).find((t) => t.at <= next && !seen.has(t.id));
      if (!due) break;
      seen.add(due.id);
      ts = Math.max(ts, due.at);
      push({ ts, clientId: HUB_CLIENT_ID, role: 'host', author: null, id: due.id, name: due.name, data: due.data });
    }
    ts = next;
    const [e] = toLog([{ ...c, dt: 0 }], ts);
    push({ ...(e as LogEntry), id: `id-${entries.length + 1}` });
  }
  return { entries, states };
}

const arbCmds = (max = 60) => fc.array(arbCmd, { minLength: 10, maxLength: max });

describe('P28 run-of-show order', () => {
  it('the staff order always lists every poll and quiz exactly once; a new cue goes last', () => {
    fc.assert(
      fc.property(arbLog(60), (log) => {
        const states = foldLog(log);
        states.forEach((s, i) => {
          const order = staffView(s).order;
          expect(new Set(order).size).toBe(order.length);
          expect([...order].sort()).toEqual(cueIds(s).sort());
          const before = states[i - 1];
          const e = log[i - 1];
          if (before && e && (e.name === 'poll.create' || e.name === 'quiz.create') && s !== before) {
            expect(order.slice(0, -1)).toEqual(staffView(before).order);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('without cue.order the order is creation order; cue.order puts the listed known ids first and keeps the rest in relative order', () => {
    fc.assert(
      fc.property(arbLog(60), (log) => {
        let s = freshState();
        for (const e of log) {
          const before = staffView(s).order;
          const r = apply(s, e);
          s = r.state;
          if (e.name !== 'cue.order' || !r.applied) continue;
          const listed = [...new Set((e.data as { order: string[] }).order)].filter((id) => before.includes(id));
          const rest = before.filter((id) => !listed.includes(id));
          expect(staffView(s).order).toEqual([...listed, ...rest]);
        }
        // A model of creation order: ids in the order their create applied, less deleted ones.
        const model: string[] = [];
        let t = freshState();
        let reordered = false;
        for (const e of log) {
          const r = apply(t, e);
          t = r.state;
          if (!r.applied) continue;
          const d = e.data as { pollId?: string; quizId?: string };
          if (e.name === 'poll.create' || e.name === 'quiz.create') model.push((d.pollId ?? d.quizId) as string);
          if (e.name === 'poll.delete' || e.name === 'quiz.delete') model.splice(model.indexOf((d.pollId ?? d.quizId) as string), 1);
          if (e.name === 'cue.order') reordered = true;
        }
        if (!reordered) expect(staffView(t).order).toEqual(model);
      }),
      { numRuns: 150 },
    );
  });

  it('the audience view carries no order (it would name draft cues)', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('poll.create', { pollId: 'secret-draft', question: 'Q', kind: 'single', options: OPTS }));
    expect(JSON.stringify(audienceView(f.state))).not.toContain('secret-draft');
    expect(staffView(f.state).order).toEqual(['secret-draft']);
  });

  it('a poll and a quiz cannot share an id (one order names both)', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('poll.create', { pollId: 'x', question: 'Q', kind: 'wordcloud' }));
    const quiz = { quizId: 'x', title: 'T', questions: [{ id: 'q', prompt: 'P', options: OPTS, correctOptionId: 'o1', timeLimitMs: 5_000, points: 10 }] };
    expect(f.push(log.host('quiz.create', quiz))).toBe('duplicate_id');
  });
});

describe('P28 editing', () => {
  it('options, kind and timer change only while draft (not_draft after, state untouched); the question changes in any status', () => {
    fc.assert(
      fc.property(arbLog(60), (log) => {
        let s = freshState();
        for (const e of log) {
          const r = apply(s, e);
          if (e.name === 'poll.update') {
            const d = e.data as Record<string, unknown>;
            const polls = staffView(s).polls;
            const poll = Object.hasOwn(polls, d.pollId as string) ? polls[d.pollId as string] : undefined;
            const draftOnly = d.kind !== undefined || d.options !== undefined || d.durationMs !== undefined;
            if (poll && draftOnly && poll.status !== 'draft' && !r.applied) expect(['not_draft', 'invalid']).toContain(r.reason);
            if (poll && draftOnly && poll.status !== 'draft') expect(r.applied).toBe(false);
            if (r.applied && d.question !== undefined) expect(staffView(r.state).polls[d.pollId as string]?.question).toBe(d.question);
          }
          s = r.state;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('examples: edit a draft, edit an open poll question, refuse option edits once open', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('poll.create', { pollId: 'p', question: 'Typo?', kind: 'single', options: OPTS }));
    expect(f.push(log.host('poll.update', { pollId: 'p', options: [...OPTS, { id: 'o3', label: 'Three' }], durationMs: 30_000 }))).toBe(true);
    expect(staffView(f.state).polls.p).toMatchObject({ options: [...OPTS, { id: 'o3', label: 'Three' }], tallies: { o1: 0, o2: 0, o3: 0 }, durationMs: 30_000 });
    expect(f.push(log.host('poll.update', { pollId: 'p', kind: 'wordcloud' }))).toBe(true);
    expect(staffView(f.state).polls.p).toMatchObject({ kind: 'wordcloud', options: [], tallies: {} });
    expect(f.push(log.host('poll.update', { pollId: 'p', kind: 'single' }))).toBe('invalid'); // a single poll needs options
    expect(f.push(log.host('poll.update', { pollId: 'p', kind: 'single', options: OPTS }))).toBe(true);
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
    expect(f.push(log.host('poll.update', { pollId: 'p', options: OPTS }))).toBe('not_draft');
    expect(f.push(log.host('poll.update', { pollId: 'p', question: 'Fixed?' }))).toBe(true);
    expect(audienceView(f.state).polls.p?.question).toBe('Fixed?');
    expect(f.push(log.host('poll.update', { pollId: 'p', question: 'Fixed?' }))).toBe('no_change');
    expect(f.push(log.host('poll.update', { pollId: 'nope', question: 'x' }))).toBe('unknown_poll');
  });

  it('quiz.update only while draft; quiz.delete and poll.delete remove the cue from both views and the order', () => {
    const f = new Folder();
    const log = new LogBuilder();
    const questions = [{ id: 'q', prompt: 'P', options: OPTS, correctOptionId: 'o1', timeLimitMs: 5_000, points: 10 }];
    f.push(log.host('quiz.create', { quizId: 'z', title: 'Quiz', questions }));
    f.push(log.host('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS }));
    expect(f.push(log.host('quiz.update', { quizId: 'z', title: 'Better', autoReveal: true }))).toBe(true);
    expect(staffView(f.state).quizzes.z).toMatchObject({ title: 'Better', autoReveal: true });
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe(true);
    expect(f.push(log.host('quiz.update', { quizId: 'z', title: 'Late' }))).toBe('not_draft');
    f.push(log.host('poll.open', { pollId: 'p' }));
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }));
    expect(f.push(log.host('poll.delete', { pollId: 'p' }))).toBe(true);
    expect(f.push(log.host('quiz.delete', { quizId: 'z' }))).toBe(true);
    for (const v of [staffView(f.state), audienceView(f.state)]) {
      expect(v.polls).toEqual({});
      expect(v.quizzes).toEqual({});
    }
    expect(staffView(f.state).order).toEqual([]);
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o2'] }))).toBe('unknown_poll');
    expect(f.push(log.host('poll.delete', { pollId: 'p' }))).toBe('unknown_poll');
  });
});

describe('P28 timers', () => {
  it('with the hub appending due timers: no timer is overdue when a client entry lands, and no vote after closesAt counts', () => {
    fc.assert(
      fc.property(arbCmds(), (cmds) => {
        const { entries, states } = foldWithHub(cmds);
        entries.forEach((e, i) => {
          const before = states[i] as EventState;
          if (e.clientId !== HUB_CLIENT_ID) for (const t of hubTimers(before)) expect(t.at).toBeGreaterThan(e.ts);
          if (e.name === 'vote.cast' && states[i + 1] !== before) {
            const poll = staffView(before).polls[(e.data as { pollId: string }).pollId];
            if (poll?.closesAt != null) expect(e.ts).toBeLessThanOrEqual(poll.closesAt);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a hub close or reveal is applied at most once per opening; a stale one (an earlier opening) is refused', () => {
    fc.assert(
      fc.property(arbCmds(), (cmds) => {
        const { entries, states } = foldWithHub(cmds);
        const appliedIds = new Set<string>();
        entries.forEach((e, i) => {
          if (e.clientId !== HUB_CLIENT_ID || states[i + 1] === states[i]) return;
          expect(appliedIds.has(e.id)).toBe(false);
          appliedIds.add(e.id);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('opening a timed poll sets closesAt in both views; the hub close ends it; a reopening gets a new timer and the old close is stale', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS, durationMs: 10_000 }));
    expect(hubTimers(f.state)).toEqual([]);
    f.push(log.host('poll.open', { pollId: 'p' }));
    const opened = log.serial;
    expect(staffView(f.state).polls.p?.closesAt).toBe(log.ts + 10_000);
    expect(audienceView(f.state).polls.p?.closesAt).toBe(log.ts + 10_000);
    expect(hubTimers(f.state)).toEqual([{ at: log.ts + 10_000, name: 'poll.close', id: `close:p:${opened}`, data: { pollId: 'p' } }]);
    log.advance(10_001);
    // The vote lands after closesAt but before the hub's close: refused all the same.
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }))).toBe('poll_not_open');
    f.push(log.host('poll.close', { pollId: 'p' }));
    f.push(log.host('poll.open', { pollId: 'p' }));
    expect(f.push(log.hub('poll.close', { pollId: 'p' }, `close:p:${opened}`))).toBe('stale_timer');
    expect(f.push(log.hub('poll.close', { pollId: 'p' }, `close:p:${log.serial - 1}`))).toBe(true);
    expect(staffView(f.state).polls.p).toMatchObject({ status: 'closed', closesAt: null });
  });

  it('an auto-revealing quiz gets a reveal timer at the question closesAt; a quiz without autoReveal has none', () => {
    const f = new Folder();
    const log = new LogBuilder();
    const questions = [{ id: 'q', prompt: 'P', options: OPTS, correctOptionId: 'o1', timeLimitMs: 5_000, points: 10 }];
    f.push(log.host('quiz.create', { quizId: 'a', title: 'Auto', questions, autoReveal: true }));
    f.push(log.host('quiz.create', { quizId: 'm', title: 'Manual', questions }));
    f.push(log.host('quiz.next', { quizId: 'm' }));
    f.push(log.host('quiz.next', { quizId: 'a' }));
    expect(hubTimers(f.state)).toEqual([{ at: log.ts + 5_000, name: 'quiz.reveal', id: `reveal:a:${log.serial}`, data: { quizId: 'a' } }]);
    expect(f.push(log.hub('quiz.reveal', { quizId: 'a' }, 'reveal:a:1'))).toBe('stale_timer');
    expect(f.push(log.hub('quiz.reveal', { quizId: 'a' }, `reveal:a:${log.serial - 1}`))).toBe(true);
    expect(staffView(f.state).quizzes.a?.current?.revealed).toBe(true);
    expect(hubTimers(f.state)).toEqual([]);
  });
});

describe('P29 event status', () => {
  it('ending closes every open poll and ends every running quiz in the same entry; afterwards the listed actions are event_ended', () => {
    const ENDED_AUDIENCE = new Set(['vote.cast', 'quiz.answer', 'question.ask', 'question.upvote', 'chat.send']);
    fc.assert(
      fc.property(arbLog(60), (log) => {
        let s = freshState();
        for (const e of log) {
          const r = apply(s, e);
          if (s.event.status === 'ended') {
            if (e.name === 'poll.open' || e.name === 'quiz.next' || (e.role === 'audience' && ENDED_AUDIENCE.has(e.name)))
              expect({ name: e.name, r: r.applied ? 'applied' : r.reason }).toMatchObject({ r: expect.stringMatching(/^(event_ended|invalid|forbidden)$/) });
          }
          if (r.applied && s.event.status !== 'ended' && r.state.event.status === 'ended') {
            const v = staffView(r.state);
            expect(Object.values(v.polls).filter((p) => p.status === 'open')).toEqual([]);
            expect(Object.values(v.quizzes).filter((q) => q.status === 'running')).toEqual([]);
          }
          if (r.applied && s.event.status === 'scheduled' && (e.name === 'poll.open' || e.name === 'quiz.next')) {
            expect(r.state.event.status).toBe('live');
          }
          s = r.state;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('examples: a scheduled event goes live when a poll opens; ended refuses a vote, and staff may still post in the chat', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS }));
    expect(staffView(f.state).event.status).toBe('scheduled');
    f.push(log.host('poll.open', { pollId: 'p' }));
    expect(staffView(f.state).event.status).toBe('live');
    expect(f.push(log.host('event.update', { status: 'ended' }))).toBe(true);
    expect(audienceView(f.state).polls.p?.status).toBe('closed');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }))).toBe('event_ended');
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe('event_ended');
    expect(f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: 'm', text: 'hi' }))).toBe('event_ended');
    expect(f.push(log.host('chat.send', { messageId: 'm', text: 'Thanks all' }))).toBe(true);
  });
});
