/** The event's word filter (settings.wordFilter, filterWords; docs in src/shared/domain/word-filter.ts). */
import { describe, expect, it } from 'vitest';
import { isFlagged } from '../../src/shared/domain';

describe('word filter', () => {
  it('flags built-in words case-insensitively', () => {
    expect(isFlagged('This is SHIT')).toBe(true);
    expect(isFlagged('Fuck!')).toBe(true);
    expect(isFlagged('a perfectly nice question')).toBe(false);
  });

  it('catches simple leetspeak: sh1t, $hit, f@ck-style substitutions, b1tch, 5h17', () => {
    for (const t of ['sh1t', 'what the $hit', 'b1tch please', '5h17', 'a55hole', 'wh0re', 'sh!t happens', 'b@stard']) expect(isFlagged(t), t).toBe(true);
  });

  it('matches whole words only: class, assume, Scunthorpe, cocktail, passion and Dickens pass', () => {
    for (const t of ['first class', 'I assume so', 'Scunthorpe United', 'a cocktail party', 'passion', 'Dickens novels']) expect(isFlagged(t), t).toBe(false);
  });

  it('tolerates a plural s and punctuation around words', () => {
    expect(isFlagged('bunch of dicks.')).toBe(true);
    expect(isFlagged('(bastards)')).toBe(true);
  });

  it('adds the event\'s extra words and phrases, in leetspeak too', () => {
    expect(isFlagged('I love pineapple', ['pineapple'])).toBe(true);
    expect(isFlagged('p1neapple pizza', ['pineapple'])).toBe(true);
    expect(isFlagged('cold coffee again', ['cold coffee'])).toBe(true);
    expect(isFlagged('coffee, cold', ['cold coffee'])).toBe(false);
    expect(isFlagged('covid19 talk', ['covid19'])).toBe(true);
    expect(isFlagged('pineapples', [])).toBe(false);
  });
});
