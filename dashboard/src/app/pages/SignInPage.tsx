/** Sign-in: email and password; a refusal is said in words, next to the form. */
import { useState, type FormEvent, type ReactElement } from 'react';
import { ApiError, signIn, type SessionInfo } from '../api.js';

/** The sign-in form. */
export function SignInPage({ onSignedIn }: { onSignedIn(info: SessionInfo): void }): ReactElement {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      onSignedIn(await signIn(email, password));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_credentials') setMessage('Wrong email or password.');
      else if (error instanceof ApiError && error.status === 429) setMessage('Too many failed sign-ins for this address. Wait a few minutes, then try again.');
      else setMessage(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  }

  return (
    <main className="centred">
      <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Vantage</h1>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          The first start of a collector creates <code>admin@vantage.local</code> and prints its password once; <code>vantage users create</code> adds operators.
        </p>
      </form>
    </main>
  );
}
