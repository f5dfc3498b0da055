/**
 * A text box with the hub's length limit (lib/limits.ts): what was typed, whether to show the
 * problem (once they try to send, or at once when over the limit), and `take()` on send, which
 * clears the box and returns the trimmed text, or null (and shows why) when it cannot be sent.
 */
import { useState } from 'react';
import { checkLength, type LengthCheck } from '../lib/limits';

export interface LimitedText {
  text: string;
  length: number;
  over: boolean;
  check: LengthCheck;
  showError: boolean;
  change(value: string): void;
  take(): string | null;
}

export function useLimitedText(max: number, what: string): LimitedText {
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const check = checkLength(text, max, what, true);
  const length = text.trim().length;
  const over = length > max;
  return {
    text,
    length,
    over,
    check,
    showError: !check.ok && (over || tried),
    change: (value) => {
      setText(value);
      setTried(false); // the "write something first" hint goes once they do
    },
    take: () => {
      if (!check.ok) {
        setTried(true);
        return null;
      }
      setText('');
      setTried(false);
      return check.text;
    },
  };
}
