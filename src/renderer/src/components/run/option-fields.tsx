/** An editable list of 2-10 option labels, with add/remove; optionally one marked correct. */
import { useId } from 'react';

interface Props {
  options: string[];
  onChange(options: string[]): void;
  /** Label prefix for each input ("Option 1"). */
  noun: string;
  correctIndex?: number | null;
  onCorrect?(index: number): void;
}

export function OptionFields({ options, onChange, noun, correctIndex, onCorrect }: Props) {
  const group = useId();
  const set = (i: number, v: string): void => onChange(options.map((o, j) => (j === i ? v : o)));
  return (
    <fieldset className="option-fields">
      <legend>{onCorrect ? `${noun}s (mark the correct one)` : `${noun}s`}</legend>
      {options.map((o, i) => (
        <div className="row option-row" key={i}>
          {onCorrect && (
            <label className="correct-pick">
              <input type="radio" name={`${group}-correct`} checked={correctIndex === i} onChange={() => onCorrect(i)} aria-label={`${noun} ${i + 1} is correct`} />
              <span aria-hidden="true">{correctIndex === i ? '✓' : ''}</span>
            </label>
          )}
          <input className="grow" value={o} onChange={(e) => set(i, e.target.value)} aria-label={`${noun} ${i + 1}`} maxLength={200} placeholder={`${noun} ${i + 1}`} />
          <button
            type="button"
            className="icon-button"
            onClick={() => {
              onChange(options.filter((_, j) => j !== i));
              if (onCorrect && typeof correctIndex === 'number' && i <= correctIndex) onCorrect(Math.max(0, correctIndex - (i < correctIndex ? 1 : 0)));
            }}
            disabled={options.length <= 2}
            aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...options, ''])} disabled={options.length >= 10}>
        + Add {noun.toLowerCase()}
      </button>
    </fieldset>
  );
}
