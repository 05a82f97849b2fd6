import { type FormEvent, useState } from 'react';
import { useCreateToken, useMe, useRevokeToken, useTokens } from '../api/accounts.ts';
import { ErrorBanner, Field } from '../components/Field.tsx';
import { formatWhen } from '../runs/format.ts';
import { SecretOnce } from './SecretOnce.tsx';
import '../runs.css';
import './accounts.css';

const EXPIRIES = [
  { label: 'Never', days: null },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
] as const;

function NewToken() {
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState(0);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, expiresInDays: EXPIRIES[expiry]!.days },
      {
        onSuccess: () => setName(''),
      },
    );
  };
  return (
    <section className="card form" aria-label="New token">
      <h2>New token</h2>
      {create.data ? (
        <SecretOnce
          label={`Token '${create.data.token.name}'`}
          secret={create.data.secret}
          note="Copy it now: Trellis keeps only a hash and cannot show it again. Scripts send it as Authorization: Bearer <token>."
          onDone={() => create.reset()}
        />
      ) : null}
      {create.error ? <ErrorBanner title="Token not created" message={create.error.message} /> : null}
      <form className="token-form" onSubmit={submit}>
        <Field label="Name" hint="What uses it, e.g. 'nightly evals' or 'laptop CLI'">
          <input required maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        <Field label="Expires">
          <select value={expiry} onChange={(event) => setExpiry(Number(event.target.value))}>
            {EXPIRIES.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="primary" disabled={create.isPending || name.trim() === ''}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
    </section>
  );
}

/** One's own API tokens: create (the secret shown once), see when each was last used, revoke. */
export function TokensPage() {
  const me = useMe();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const user = me.data?.user;
  return (
    <section className="page accounts-page">
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p className="muted">
            For scripts and the CLI{user ? ` as ${user.name}` : ''}: a token can do what your role allows
            {user ? ` (${user.role})` : ''}. Revoking one stops it at once.
          </p>
        </div>
      </div>
      <NewToken />
      {tokens.error ? <ErrorBanner title="Could not load tokens" message={tokens.error.message} /> : null}
      {revoke.error ? <ErrorBanner title="Not revoked" message={revoke.error.message} /> : null}
      {tokens.data && tokens.data.length === 0 ? (
        <div className="empty">
          <p>No tokens yet.</p>
          <p className="muted">Create one above for each script or machine, so each can be revoked alone.</p>
        </div>
      ) : null}
      {tokens.data && tokens.data.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table" aria-label="Your API tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => {
                const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
                return (
                  <tr key={token.id}>
                    <td>
                      <strong>{token.name}</strong>
                    </td>
                    <td>{formatWhen(token.createdAt)}</td>
                    <td>
                      {token.lastUsedAt ? formatWhen(token.lastUsedAt) : <span className="muted">never</span>}
                    </td>
                    <td>
                      {token.expiresAt === null ? (
                        <span className="muted">never</span>
                      ) : (
                        <span className={expired ? 'result-fail' : undefined}>
                          {expired ? 'expired ' : ''}
                          {formatWhen(token.expiresAt)}
                        </span>
                      )}
                    </td>
                    <td className="num">
                      <button
                        type="button"
                        className="ghost danger small"
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (window.confirm(`Revoke token '${token.name}'? Whatever uses it stops working.`))
                            revoke.mutate(token.id);
                        }}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
