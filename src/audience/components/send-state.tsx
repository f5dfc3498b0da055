/**
 * How far one of this person's actions got: waiting → sent → acked (counted) or refused. A counted
 * ballot, answer or question shows its log serial as a receipt ("counted as #10482", from the ack),
 * which the post-event report and the log confirm.
 */
import type { OutboxRecord } from '../lib/outbox';
import { useAudience } from '../lib/store';

const REASONS: Record<string, string> = {
  poll_not_open: 'voting had closed',
  quiz_closed: 'time was up',
  quiz_ended: 'the quiz had ended',
  already_answered: 'you had already answered',
  bad_option: 'that choice is not available',
  unknown_poll: 'that poll is gone',
  unknown_question: 'that question is gone',
  rate_limited: 'too fast',
  event_ended: 'the event has ended',
  chat_off: 'chat is off',
};

export function reasonText(reason: string | null): string {
  if (!reason) return '';
  return Object.hasOwn(REASONS, reason) ? (REASONS[reason] ?? reason) : reason;
}

export function SendState({ record, noun, receipt = false }: { record: OutboxRecord | null; noun: string; receipt?: boolean }) {
  const online = useAudience((s) => s.link.state === 'connected');
  if (!record) return null;
  let text: string;
  let serial: number | null = null;
  switch (record.state) {
    case 'queued':
      text = online ? `Sending your ${noun}…` : `Your ${noun} is saved on this phone — waiting to send`;
      break;
    case 'sent':
      text = `Your ${noun} was sent`;
      break;
    case 'acked':
      serial = receipt ? record.serial : null;
      text = serial === null ? `Your ${noun} was counted ✓` : `Your ${noun} was counted as `;
      break;
    default:
      text = `Your ${noun} was not counted${record.reason ? `: ${reasonText(record.reason)}` : ''}`;
  }
  return (
    <p className={`send-state send-${record.state}`} data-state={record.state} role="status">
      {text}
      {serial !== null && (
        <>
          <span className="receipt" title="Your receipt: this entry's number in the event log">
            #{serial}
          </span>{' '}
          ✓
        </>
      )}
    </p>
  );
}
