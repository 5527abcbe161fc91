'use client';

import { useId, useState, type FormEvent } from 'react';
import type { Broadcast } from '@/lab-server/protocol/workshop';
import { formatClock } from './format';
import { instructorApi } from './workshop-api';

/** Send a message (and optionally a command learners can copy or run) to every learner; the history below. */
export function BroadcastPanel({
  workshopId,
  broadcasts,
  disabled,
  onUnauthorized,
}: {
  workshopId: string;
  broadcasts: Broadcast[];
  disabled: boolean;
  onUnauthorized(): void;
}) {
  const [message, setMessage] = useState('');
  const [command, setCommand] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const titleId = useId();
  const commandHintId = useId();

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (message.trim() === '') {
      setResult({ tone: 'error', text: 'Write a message first.' });
      return;
    }
    setBusy(true);
    const answer = await instructorApi.broadcast(workshopId, message.trim(), command.trim() || undefined);
    setBusy(false);
    if (answer.ok) {
      setMessage('');
      setCommand('');
      setResult({ tone: 'ok', text: `Sent at ${formatClock(answer.data.sentAt)}.` });
    } else if (answer.status === 401) onUnauthorized();
    else setResult({ tone: 'error', text: answer.message });
  };

  const history = [...broadcasts].sort((a, b) => b.sentAt - a.sentAt || b.id - a.id);
  return (
    <section className="workshop-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Broadcast</h2>
      <form className="workshop-form console-broadcast" onSubmit={send} noValidate>
        <div className="workshop-field">
          <label htmlFor="broadcast-message">Message to every learner</label>
          <textarea id="broadcast-message" rows={2} maxLength={1000} value={message} onChange={(e) => setMessage(e.target.value)} disabled={disabled} />
        </div>
        <div className="workshop-field">
          <label htmlFor="broadcast-command">Command (optional)</label>
          <input
            id="broadcast-command"
            className="console-command-input"
            maxLength={2000}
            spellCheck={false}
            autoComplete="off"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            aria-describedby={commandHintId}
            disabled={disabled}
          />
          <p className="workshop-hint" id={commandHintId}>
            Learners get Copy and Run in terminal buttons for it.
          </p>
        </div>
        <button type="submit" className="button button-primary" disabled={busy || disabled} aria-busy={busy ? 'true' : undefined}>
          {busy ? 'Sending…' : 'Send to everyone'}
        </button>
        <p className={result?.tone === 'error' ? 'workshop-error-text' : 'workshop-muted'} role="status">
          {result?.text}
        </p>
      </form>
      {history.length > 0 ? (
        <>
          <h3>Sent</h3>
          <ol className="console-broadcasts" data-testid="broadcast-history">
            {history.map((broadcast) => (
              <li key={broadcast.id}>
                <time dateTime={new Date(broadcast.sentAt).toISOString()}>{formatClock(broadcast.sentAt)}</time> {broadcast.message}
                {broadcast.command ? (
                  <>
                    {' '}
                    <code>{broadcast.command}</code>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
