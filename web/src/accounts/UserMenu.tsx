import type { User } from '@trellis/shared';
import { useEffect, useRef, useState } from 'react';
import { useSignOut } from '../api/accounts.ts';
import { navigate } from '../router.ts';
import './accounts.css';

/** The signed-in user at the right of the top bar: their name and role, and a menu for tokens, users, sign-out. */
export function UserMenu({ user }: { user: User }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const signOut = useSignOut();

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (
        event instanceof KeyboardEvent ? event.key === 'Escape' : !box.current?.contains(event.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const go = (path: string) => {
    setOpen(false);
    navigate(path);
  };

  return (
    <div className="user-menu" ref={box}>
      <button
        type="button"
        className="user-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span className="user-avatar" aria-hidden="true">
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{user.name}</span>
        {user.role !== 'member' ? (
          <span className={`user-role user-role-${user.role}`}>{user.role}</span>
        ) : null}
        <span aria-hidden="true" className="user-caret">
          ▾
        </span>
      </button>
      {open ? (
        <div className="user-menu-list" role="menu" aria-label={`Signed in as ${user.name}`}>
          <p className="user-menu-who small">
            Signed in as <strong>{user.name}</strong>
            <span className="muted"> · {user.role}</span>
          </p>
          <button type="button" role="menuitem" onClick={() => go('/account/tokens')}>
            API tokens
          </button>
          {user.role === 'admin' ? (
            <button type="button" role="menuitem" onClick={() => go('/users')}>
              Users
            </button>
          ) : null}
          <button type="button" role="menuitem" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
