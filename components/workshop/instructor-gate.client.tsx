'use client';

import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { instructorApi } from './workshop-api';

type Auth = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in' } | { state: 'failed'; message: string };

/**
 * Shows its children to a signed-in instructor, and the sign-in form to anyone else. The key is
 * exchanged for an HttpOnly cookie by the server; this page never keeps it.
 */
export function InstructorGate({ children }: { children: (signOut: () => void, lostSession: () => void) => ReactNode }) {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });

  const check = useCallback(() => {
    void instructorApi.me().then((result) => {
      if (result.ok) setAuth({ state: result.data.authenticated ? 'signed-in' : 'signed-out' });
      else if (result.status === 401) setAuth({ state: 'signed-out' });
      else setAuth({ state: 'failed', message: result.message });
    });
  }, []);

  useEffect(check, [check]);

  const signOut = useCallback(() => {
    void instructorApi.logout().finally(() => setAuth({ state: 'signed-out' }));
  }, []);
  // A 401 later on (the cookie expired, the server's key changed): back to the form.
  const lostSession = useCallback(() => setAuth({ state: 'signed-out' }), []);

  switch (auth.state) {
    case 'checking':
      return <p className="workshop-muted">Checking your sign-in…</p>;
    case 'failed':
      return (
        <div className="workshop-error" role="alert">
          <p>{auth.message}</p>
          <button type="button" className="button" onClick={check}>
            Try again
          </button>
        </div>
      );
    case 'signed-out':
      return <LoginForm onSignedIn={() => setAuth({ state: 'signed-in' })} />;
    case 'signed-in':
      return <>{children(signOut, lostSession)}</>;
  }
}

function LoginForm({ onSignedIn }: { onSignedIn(): void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const hintId = useId();

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (key.trim() === '') {
      setError('Enter the instructor key.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await instructorApi.login(key);
    setBusy(false);
    if (result.ok && result.data.authenticated) {
      setKey('');
      onSignedIn();
    } else if (!result.ok && (result.status === 401 || result.status === 429)) {
      const lead = result.status === 401 ? 'Wrong instructor key.' : 'Too many attempts: wait a minute before trying again.';
      // The server's own words when it sent some (codes like http-401 mean it did not).
      setError(result.code.startsWith('http-') || result.message === lead ? lead : `${lead} ${result.message}`);
    } else {
      setError(result.ok ? 'The lab server did not sign you in. Try again.' : result.message);
    }
  };

  return (
    <form className="workshop-form workshop-login" onSubmit={submit} noValidate aria-labelledby="instructor-login-title">
      <h2 id="instructor-login-title">Sign in</h2>
      <div className="workshop-field">
        <label htmlFor="instructor-key">Instructor key</label>
        <input
          id="instructor-key"
          name="key"
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby={hintId}
          required
        />
        <p className="workshop-hint" id={hintId}>
          The key the lab server was started with (<code>--instructor-key</code> or <code>LAB_INSTRUCTOR_KEY</code>).
        </p>
      </div>
      {error ? (
        <p className="workshop-error" role="alert" tabIndex={-1} ref={errorRef} data-testid="login-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
