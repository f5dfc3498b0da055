/**
 * The event's word filter (settings.wordFilter 'flag'): a short built-in list of common English
 * profanities and slurs, plus the event's own `filterWords`. It flags, it never rewrites: staff
 * see flagged items, the audience does not (PROTOCOL.md P21).
 *
 * Matching is case-insensitive and by whole word (so "class" never matches "ass"), after undoing
 * simple leetspeak (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s, and ! inside a word →i); the text
 * is also checked as written, so "shit!" and "sh1t" both match. A plural "s" is tolerated.
 * Extra words may be phrases ("bad phrase"), matched as consecutive words.
 */
const BUILT_IN = [
  'arse', 'arsehole', 'ass', 'asshole', 'bastard', 'bitch', 'bollocks', 'bullshit', 'cock', 'cunt',
  'dick', 'dickhead', 'douche', 'douchebag', 'fag', 'faggot', 'fuck', 'fucker', 'fucking', 'jackass',
  'motherfucker', 'nigger', 'piss', 'prick', 'pussy', 'retard', 'shit', 'shitty', 'slut', 'twat',
  'wanker', 'whore',
];

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };
// "!" is punctuation at the end of a word ("shit!"), a letter only inside one ("sh!t").
const LEET_CHARS = /[013457@$]|!(?=[\p{L}\p{N}])/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

const words = (s: string): string[] => s.split(SEPARATORS).filter((w) => w.length > 0);

/** Lower-cased words of `text` with leetspeak undone; everything but letters and digits separates words. */
export function normaliseWords(text: string): string[] {
  return words(text.toLowerCase().replace(LEET_CHARS, (c) => LEET[c] ?? c));
}

interface Compiled {
  words: Set<string>;
  phrases: string[];
}

const builtIn: Compiled = { words: new Set(BUILT_IN), phrases: [] };
// Settings arrays are immutable state, so compiling once per array identity is safe.
const compiled = new WeakMap<readonly string[], Compiled>();

function compile(extra: readonly string[]): Compiled {
  const hit = compiled.get(extra);
  if (hit) return hit;
  const set = new Set(BUILT_IN);
  const phrases: string[] = [];
  for (const raw of extra) {
    // Both spellings, so an extra word with digits ("covid19") matches as written too.
    for (const w of [words(raw.toLowerCase()), normaliseWords(raw)]) {
      if (w.length === 1) set.add(w[0] as string);
      else if (w.length > 1) phrases.push(` ${w.join(' ')} `);
    }
  }
  const c = { words: set, phrases };
  compiled.set(extra, c);
  return c;
}

const listed = (set: Set<string>, w: string): boolean => set.has(w) || (w.length > 3 && w.endsWith('s') && set.has(w.slice(0, -1)));

/** True when `text` contains a built-in or extra filter word, as a whole word. */
export function isFlagged(text: string, extraWords: readonly string[] = []): boolean {
  const { words: list, phrases } = extraWords.length ? compile(extraWords) : builtIn;
  const asWritten = words(text.toLowerCase());
  const unLeeted = normaliseWords(text);
  if (asWritten.some((t) => listed(list, t)) || unLeeted.some((t) => listed(list, t))) return true;
  if (phrases.length === 0) return false;
  const a = ` ${asWritten.join(' ')} `;
  const b = ` ${unLeeted.join(' ')} `;
  return phrases.some((p) => a.includes(p) || b.includes(p));
}
