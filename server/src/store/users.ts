import type { ApiToken, Author, User, UserRole } from '@trellis/shared';
import type { Sql } from './sql.ts';

interface UserRow {
  id: string;
  name: string;
  role: string;
  disabled: number;
  created_at: string;
}

interface TokenRow {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

/** The user a session or token belongs to, with what decides whether it still admits them. */
export interface Credential<T> {
  user: User;
  record: T;
}

export interface StoredSession {
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface StoredToken extends ApiToken {
  revokedAt: string | null;
}

const USER_COLUMNS = 'u.id, u.name, u.role, u.disabled, u.created_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    role: row.role as UserRole,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Accounts of a team server: users with their password hashes, browser sessions and API tokens. Sessions and
 * tokens are stored as hashes of their secrets only (see accounts/secrets.ts); passwords as salted scrypt hashes.
 * Users are disabled, never deleted, so the records they authored keep their author.
 */
export class UsersRepo {
  constructor(private readonly sql: Sql) {}

  /** Adds a user; false when the name is taken. */
  async create(user: {
    id: string;
    name: string;
    role: UserRole;
    passwordHash: string;
    now: string;
  }): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO users (id, name, role, password_hash, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (name) DO NOTHING`,
      [user.id, user.name, user.role, user.passwordHash, user.now, user.now],
    );
    return changed > 0;
  }

  async get(id: string): Promise<User | undefined> {
    const row = await this.sql.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [id]);
    return row && toUser(row);
  }

  async getByName(name: string): Promise<User | undefined> {
    const row = await this.sql.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.name = ?`, [name]);
    return row && toUser(row);
  }

  /** A user with the hash their password is checked against, found by name. */
  async credentials(name: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.sql.get<UserRow & { password_hash: string }>(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.name = ?`,
      [name],
    );
    return row && { user: toUser(row), passwordHash: row.password_hash };
  }

  async list(): Promise<User[]> {
    const rows = await this.sql.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.name`);
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const row = await this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    return row?.n ?? 0;
  }

  /** Admins who can still sign in. */
  async activeAdmins(): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0",
    );
    return row?.n ?? 0;
  }

  /** Changes a user's role or whether they are disabled; undefined when there is no such user. */
  async update(
    id: string,
    patch: { role?: UserRole; disabled?: boolean },
    now: string,
  ): Promise<User | undefined> {
    return this.sql.transaction(async (tx) => {
      if (patch.role !== undefined) {
        await tx.run('UPDATE users SET role = ?, updated_at = ? WHERE id = ?', [patch.role, now, id]);
      }
      if (patch.disabled !== undefined) {
        await tx.run('UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?', [patch.disabled, now, id]);
        // Their tokens are refused while the account is disabled; their sessions end for good.
        if (patch.disabled) await tx.run('DELETE FROM user_sessions WHERE user_id = ?', [id]);
      }
      return this.get(id);
    });
  }

  /** Sets a new password hash and ends every session of the user (their API tokens stay). */
  async setPassword(id: string, passwordHash: string, now: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const changed = await tx.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', [
        passwordHash,
        now,
        id,
      ]);
      await tx.run('DELETE FROM user_sessions WHERE user_id = ?', [id]);
      return changed > 0;
    });
  }

  /** The names of the users with these ids, for records that carry an author id. */
  async authors(ids: readonly (string | null)[]): Promise<Map<string, Author>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const found = new Map<string, Author>();
    if (wanted.length === 0) return found;
    const rows = await this.sql.all<{ id: string; name: string }>(
      `SELECT id, name FROM users WHERE id IN (${wanted.map(() => '?').join(', ')})`,
      wanted,
    );
    for (const row of rows) found.set(row.id, { id: row.id, name: row.name });
    return found;
  }

  // Sessions ------------------------------------------------------------------------------------------------

  async createSession(session: { idHash: string; userId: string; now: string; expiresAt: string }) {
    await this.sql.run(
      `INSERT INTO user_sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
      [session.idHash, session.userId, session.now, session.now, session.expiresAt],
    );
  }

  /** The session with this hash and its user, expired or not (the caller decides and says why). */
  async session(idHash: string): Promise<Credential<StoredSession> | undefined> {
    const row = await this.sql.get<
      UserRow & { s_created_at: string; last_seen_at: string; expires_at: string }
    >(
      `SELECT ${USER_COLUMNS}, s.created_at AS s_created_at, s.last_seen_at, s.expires_at
       FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
      [idHash],
    );
    return (
      row && {
        user: toUser(row),
        record: { createdAt: row.s_created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at },
      }
    );
  }

  /** Records a use of the session and moves its expiry on. */
  async touchSession(idHash: string, now: string, expiresAt: string): Promise<void> {
    await this.sql.run('UPDATE user_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?', [
      now,
      expiresAt,
      idHash,
    ]);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.sql.run('DELETE FROM user_sessions WHERE id_hash = ?', [idHash]);
  }

  /** Forgets sessions that expired before `now`; resolves to how many. */
  async deleteExpiredSessions(now: string): Promise<number> {
    return this.sql.run('DELETE FROM user_sessions WHERE expires_at <= ?', [now]);
  }

  // API tokens ----------------------------------------------------------------------------------------------

  async createToken(token: {
    id: string;
    userId: string;
    name: string;
    tokenHash: string;
    now: string;
    expiresAt: string | null;
  }): Promise<ApiToken> {
    await this.sql.run(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [token.id, token.userId, token.name, token.tokenHash, token.now, token.expiresAt],
    );
    return {
      id: token.id,
      name: token.name,
      createdAt: token.now,
      lastUsedAt: null,
      expiresAt: token.expiresAt,
    };
  }

  /** The token with this hash and its user, revoked or expired or not (the caller decides and says why). */
  async tokenByHash(tokenHash: string): Promise<Credential<StoredToken> | undefined> {
    const row = await this.sql.get<
      UserRow & {
        t_id: string;
        t_name: string;
        t_created_at: string;
        last_used_at: string | null;
        expires_at: string | null;
        revoked_at: string | null;
      }
    >(
      `SELECT ${USER_COLUMNS}, t.id AS t_id, t.name AS t_name, t.created_at AS t_created_at, t.last_used_at,
              t.expires_at, t.revoked_at
       FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      [tokenHash],
    );
    return (
      row && {
        user: toUser(row),
        record: {
          ...toToken({
            id: row.t_id,
            name: row.t_name,
            created_at: row.t_created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
          }),
          revokedAt: row.revoked_at,
        },
      }
    );
  }

  /** A user's tokens that are not revoked, newest first (expired ones included, to be seen and revoked). */
  async tokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.sql.all<TokenRow>(
      `SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens
       WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map(toToken);
  }

  /** Revokes one of the user's tokens; false when they have no such token still in force. */
  async revokeToken(userId: string, id: string, now: string): Promise<boolean> {
    const changed = await this.sql.run(
      'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
      [now, id, userId],
    );
    return changed > 0;
  }

  async touchToken(id: string, now: string): Promise<void> {
    await this.sql.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now, id]);
  }
}

/**
 * A select-list item naming the author of each row of `table` (its `author` column holds a user id): add it to a
 * query whose rows `authorFrom` reads.
 */
export function authorNameColumn(table: string): string {
  return `(SELECT users.name FROM users WHERE users.id = ${table}.author) AS author_name`;
}

/** The author of a row read with `authorNameColumn`; null for a row no account created. */
export function authorFrom(row: { author: string | null; author_name: string | null }): Author | null {
  return row.author === null ? null : { id: row.author, name: row.author_name ?? row.author };
}
