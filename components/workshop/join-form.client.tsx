'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { markStarted } from '@/components/lab/lab-state';
import type { JoinInfo } from '@/lab-server/protocol/workshop';
import { formatClock } from './format';
import { CODE_PATTERN, joinFailureMessage, normalizeCode } from './join';
import { learnerApi } from './workshop-api';

type Lookup = { state: 'idle' } | { state: 'loading' } | { state: 'found'; info: JoinInfo } | { state: 'failed'; message: string };
/** The answer for one code: a lookup of an older code is "loading" for the current one. */
type Answer = { code: string; lookup: Lookup };

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * Join a workshop: the code the instructor handed out and the name they will see. A complete
 * code is looked up at once (title, seats left), so a typo shows before the learner submits.
 * Joining starts the learner's lab on the server; the guide page then finds it already starting.
 */
export function JoinForm({ initialCode = '' }: { initialCode?: string }) {
  const router = useRouter();
  const [code, setCode] = useState(() => normalizeCode(initialCode));
  const [name, setName] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const codeHintId = useId();
  const nameHintId = useId();
  const infoId = useId();
  const complete = CODE_PATTERN.test(code);

  useEffect(() => {
    if (!complete) return;
    let current = true;
    void learnerApi.joinInfo(code).then((result) => {
      if (!current) return;
      const lookup: Lookup = result.ok
        ? { state: 'found', info: result.data }
        : { state: 'failed', message: result.status === 404 ? 'No workshop has this code. Check it with your instructor.' : result.message };
      setAnswer({ code, lookup });
    });
    return () => {
      current = false;
    };
  }, [code, complete]);

  const lookup: Lookup = !complete ? { state: 'idle' } : answer?.code === code ? answer.lookup : { state: 'loading' };

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    if (!complete) {
      setError('The code has 6 letters and digits, as your instructor gave it.');
      return;
    }
    if (name.trim() === '') {
      setError('Enter the name your instructor will see.');
      return;
    }
    setSubmitting(true);
    setError(null);
    const result = await learnerApi.join(code, name.trim());
    if (!result.ok) {
      setSubmitting(false);
      setError(joinFailureMessage(result.status, result.message));
      return;
    }
    // The join started the lab: the guide page re-attaches to it instead of offering Start lab.
    markStarted(sessionStorageOrUndefined());
    router.push(result.data.next);
  };

  const info = lookup.state === 'found' ? lookup.info : null;
  return (
    <form className="workshop-form join-form" onSubmit={onSubmit} noValidate aria-describedby={infoId}>
      <div className="workshop-field">
        <label htmlFor="join-code">Workshop code</label>
        <input
          id="join-code"
          name="code"
          className="join-code-input"
          value={code}
          onChange={(event) => setCode(normalizeCode(event.target.value))}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          aria-describedby={codeHintId}
          aria-invalid={lookup.state === 'failed' ? 'true' : undefined}
        />
        <p className="workshop-hint" id={codeHintId}>
          6 letters and digits, from your instructor.
        </p>
      </div>
      <div id={infoId} className="join-info" role="status" aria-live="polite">
        {lookup.state === 'loading' ? <p>Looking up the workshop…</p> : null}
        {lookup.state === 'failed' ? <p className="workshop-error-text">{lookup.message}</p> : null}
        {info ? (
          <p data-testid="join-info">
            <strong>{info.title}</strong>
            {info.state === 'ended'
              ? ' — this workshop has ended.'
              : ` — ${info.seatsLeft === 0 ? 'no seats left' : info.seatsLeft === 1 ? '1 seat left' : `${info.seatsLeft} seats left`}, until ${formatClock(info.endsAt)}.`}
          </p>
        ) : null}
      </div>
      <div className="workshop-field">
        <label htmlFor="join-name">Your name</label>
        <input
          id="join-name"
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="nickname"
          maxLength={40}
          required
          aria-describedby={nameHintId}
        />
        <p className="workshop-hint" id={nameHintId}>
          Shown to your instructor only, next to your progress.
        </p>
      </div>
      {error ? (
        <p className="workshop-error" role="alert" tabIndex={-1} ref={errorRef} data-testid="join-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" aria-busy={submitting ? 'true' : undefined} disabled={submitting}>
        {submitting ? 'Joining…' : 'Join the workshop'}
      </button>
    </form>
  );
}
