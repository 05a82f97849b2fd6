import { type FormEvent, useState } from 'react';
import { useSignIn } from '../api/accounts.ts';
import { ErrorBanner, Field } from '../components/Field.tsx';
import './accounts.css';

/**
 * Shown in place of the app when the server has accounts and this browser is not signed in (or its session
 * ended). `reason` says why when it is more than "not signed in yet": an expired session, a disabled account.
 */
export function SignInPage({ reason }: { reason: string | null }) {
  const signIn = useSignIn();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ name, password });
  };
  return (
    <main className="sign-in">
      <form className="card sign-in-card form" aria-label="Sign in" onSubmit={submit}>
        <div className="sign-in-brand">
          <span className="brand-mark" aria-hidden="true">
            ▦
          </span>
          Trellis
        </div>
        <div>
          <h1>Sign in</h1>
          <p className="muted small">This Trellis server has accounts. An admin gives you yours.</p>
        </div>
        {reason && !signIn.error ? <p className="sign-in-reason">{reason}</p> : null}
        {signIn.error ? <ErrorBanner title="Not signed in" message={signIn.error.message} /> : null}
        <Field label="User name">
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small sign-in-foot">
          Scripts and the CLI use API tokens instead: create one under your name once you are in.
        </p>
      </form>
    </main>
  );
}
