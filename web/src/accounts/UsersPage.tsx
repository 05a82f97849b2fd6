import { type User, type UserRole, UserRole as UserRoles } from '@trellis/shared';
import { type FormEvent, useState } from 'react';
import { useCreateUser, useMe, useUpdateUser, useUsers } from '../api/accounts.ts';
import { ErrorBanner, Field } from '../components/Field.tsx';
import { formatWhen } from '../runs/format.ts';
import { SecretOnce } from './SecretOnce.tsx';
import '../runs.css';
import './accounts.css';

const ROLE_HINT: Record<UserRole, string> = {
  admin: 'manages users, and does what a member does',
  member: 'does everything but manage users',
  viewer: 'reads everything, changes nothing',
};

function NewUser() {
  const create = useCreateUser();
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('member');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim().toLowerCase(), role }, { onSuccess: () => setName('') });
  };
  return (
    <section className="card form" aria-label="New user">
      <h2>New user</h2>
      {create.data?.password ? (
        <SecretOnce
          label={`Password for '${create.data.user.name}'`}
          secret={create.data.password}
          note="Give it to them now: Trellis keeps only a hash and cannot show it again (trellis user reset-password makes a new one)."
          onDone={() => create.reset()}
        />
      ) : null}
      {create.error ? <ErrorBanner title="User not added" message={create.error.message} /> : null}
      <form className="token-form" onSubmit={submit}>
        <Field label="User name" hint="lower-case letters, digits, dots, dashes">
          <input
            required
            maxLength={40}
            autoCapitalize="none"
            spellCheck={false}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <Field label="Role" hint={ROLE_HINT[role]}>
          <select value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
            {UserRoles.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="primary" disabled={create.isPending || name.trim() === ''}>
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
      </form>
    </section>
  );
}

function UserRow({ user, self }: { user: User; self: boolean }) {
  const update = useUpdateUser();
  return (
    <>
      <tr className={user.disabled ? 'user-disabled' : undefined}>
        <td>
          <strong>{user.name}</strong>
          {self ? <span className="muted"> (you)</span> : null}
        </td>
        <td>
          <select
            aria-label={`Role of ${user.name}`}
            value={user.role}
            disabled={update.isPending}
            onChange={(event) =>
              update.mutate({ id: user.id, patch: { role: event.target.value as UserRole } })
            }
          >
            {UserRoles.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </td>
        <td>
          {user.disabled ? (
            <span className="badge badge-down">disabled</span>
          ) : (
            <span className="badge badge-ok">active</span>
          )}
        </td>
        <td>{formatWhen(user.createdAt)}</td>
        <td className="num">
          {user.disabled ? (
            <button
              type="button"
              className="small"
              disabled={update.isPending}
              onClick={() => update.mutate({ id: user.id, patch: { disabled: false } })}
            >
              Enable
            </button>
          ) : self ? null : (
            <button
              type="button"
              className="ghost danger small"
              disabled={update.isPending}
              onClick={() => {
                if (
                  window.confirm(
                    `Disable '${user.name}'? Their sessions and API tokens stop working at once.`,
                  )
                )
                  update.mutate({ id: user.id, patch: { disabled: true } });
              }}
            >
              Disable
            </button>
          )}
        </td>
      </tr>
      {update.error ? (
        <tr>
          <td colSpan={5} className="user-row-error" role="alert">
            {update.error.message}
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Admins manage users: add one (a generated password, shown once), change a role, disable or enable. */
export function UsersPage() {
  const me = useMe();
  const users = useUsers();
  const selfId = me.data?.user?.id;
  return (
    <section className="page accounts-page">
      <div className="page-head">
        <div>
          <h1>Users</h1>
          <p className="muted">
            Who can sign in to this server and what each may do. Disabled users keep what they made; their
            sessions and tokens stop working.
          </p>
        </div>
      </div>
      {users.error ? <ErrorBanner title="Could not load users" message={users.error.message} /> : null}
      {users.data ? (
        <>
          <NewUser />
          <div className="card runs-card">
            <table className="runs-table" aria-label="Users">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Added</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((user) => (
                  <UserRow key={user.id} user={user} self={user.id === selfId} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
