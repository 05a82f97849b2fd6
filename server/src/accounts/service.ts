import type {
  ApiToken,
  CreatedApiToken,
  CreatedUser,
  SignInErrorCode,
  User,
  UserRole,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import type { UsersRepo } from '../store/users.ts';
import { decoyHash, generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { newApiToken, newId, newSessionSecret, secretHash } from './secrets.ts';
import { SignInThrottle } from './throttle.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A session ends after this long unused. */
export const SESSION_IDLE_MS = 14 * DAY_MS;
/** Uses closer together than this are not written back, so reading a page does not write the database. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface AccountServiceOptions {
  /** The clock sessions and tokens expire by (tests move it). */
  now?: () => Date;
}

/** A new browser session: its secret goes into the cookie, only its hash into the store. */
export interface NewSession {
  user: User;
  secret: string;
  expiresAt: Date;
}

function refused(
  code: SignInErrorCode | 'invalid_credentials' | 'too_many_attempts',
  message: string,
): DomainError {
  return new DomainError('unauthenticated', code, message);
}

function disabled(user: User): DomainError {
  return refused('account_disabled', `the account '${user.name}' is disabled; an admin can enable it again`);
}

/**
 * Accounts of a team server: signing in and out, who a session or an API token belongs to, users and their
 * roles (for admins), and each user's API tokens.
 */
export class AccountService {
  private readonly now: () => Date;
  private readonly throttle = new SignInThrottle();

  constructor(
    readonly users: UsersRepo,
    options: AccountServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Signs in `name` with `password`; `from` (the client's address) keys the throttle on failed attempts. */
  async signIn(name: string, password: string, from = 'local'): Promise<NewSession> {
    const key = name.trim().toLowerCase();
    const wait = this.throttle.waitMs(key, from, this.now().getTime());
    if (wait > 0) {
      throw refused(
        'too_many_attempts',
        `too many failed sign-ins for '${key}'; try again in ${Math.ceil(wait / 60_000)} minute(s)`,
      );
    }
    const found = await this.users.credentials(key);
    // A name that does not exist costs the same scrypt as one that does, so timing does not tell them apart.
    const matches = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
    if (!found || !matches) {
      this.throttle.failed(key, from, this.now().getTime());
      throw refused('invalid_credentials', 'wrong user name or password');
    }
    this.throttle.succeeded(key, from);
    if (found.user.disabled) throw disabled(found.user);
    const secret = newSessionSecret();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await this.users.createSession({
      idHash: secretHash(secret),
      userId: found.user.id,
      now: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    return { user: found.user, secret, expiresAt };
  }

  async signOut(sessionSecret: string): Promise<void> {
    await this.users.deleteSession(secretHash(sessionSecret));
  }

  /**
   * The user a session cookie belongs to, and whether this use moved the session's expiry on (the cookie should
   * follow); refuses a session that is unknown, expired or of a disabled user.
   */
  async userOfSession(secret: string): Promise<{ user: User; renewed: boolean }> {
    const hash = secretHash(secret);
    const found = await this.users.session(hash);
    const now = this.now();
    if (!found || Date.parse(found.record.expiresAt) <= now.getTime()) {
      if (found) await this.users.deleteSession(hash);
      throw refused('invalid_session', 'your session has expired or was ended; sign in again');
    }
    if (found.user.disabled) throw disabled(found.user);
    if (now.getTime() - Date.parse(found.record.lastSeenAt) < TOUCH_EVERY_MS) {
      return { user: found.user, renewed: false };
    }
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
    await this.users.touchSession(hash, now.toISOString(), expiresAt);
    return { user: found.user, renewed: true };
  }

  /** The user an API token belongs to; refuses a token that is unknown, revoked, expired or of a disabled user. */
  async userOfToken(secret: string): Promise<User> {
    const found = await this.users.tokenByHash(secretHash(secret));
    const now = this.now();
    if (!found) throw refused('invalid_token', 'the API token is not valid: check that it was copied whole');
    const { record, user } = found;
    if (record.revokedAt !== null) {
      throw refused('invalid_token', `the API token '${record.name}' was revoked on ${record.revokedAt}`);
    }
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) {
      throw refused('invalid_token', `the API token '${record.name}' expired on ${record.expiresAt}`);
    }
    if (user.disabled) throw disabled(user);
    if (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) >= 60_000) {
      await this.users.touchToken(record.id, now.toISOString());
    }
    return user;
  }

  /** Forgets sessions past their expiry (they are refused anyway; this keeps the table small). */
  async forgetExpiredSessions(): Promise<number> {
    return this.users.deleteExpiredSessions(this.now().toISOString());
  }

  async listUsers(): Promise<User[]> {
    return this.users.list();
  }

  /** Adds a user; without a password, generates one and returns it (the only time it is shown). */
  async createUser(input: {
    name: string;
    role: UserRole;
    password?: string | undefined;
  }): Promise<CreatedUser> {
    const generated = input.password === undefined ? generatePassword() : null;
    const id = newId('usr');
    const created = await this.users.create({
      id,
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password ?? (generated as string)),
      now: this.now().toISOString(),
    });
    if (!created)
      throw new DomainError('conflict', 'user_exists', `a user named '${input.name}' already exists`);
    const user = await this.users.get(id);
    if (!user) throw new Error(`user ${id} vanished after it was created`);
    return { user, password: generated };
  }

  /**
   * Changes a user's role or disables them (their sessions end and their tokens are refused at once). An admin
   * cannot disable themselves, and the last active admin cannot lose the role, so someone can always manage users.
   */
  async updateUser(actor: User, id: string, patch: { role?: UserRole; disabled?: boolean }): Promise<User> {
    const user = await this.users.get(id);
    if (!user) throw new DomainError('not_found', 'not_found', `user '${id}' does not exist`);
    if (patch.disabled === true && user.id === actor.id) {
      throw new DomainError('conflict', 'self_disable', 'you cannot disable your own account');
    }
    const losesAdmin =
      user.role === 'admin' &&
      !user.disabled &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin && (await this.users.activeAdmins()) <= 1) {
      throw new DomainError(
        'conflict',
        'last_admin',
        `'${user.name}' is the only active admin: make another user admin first`,
      );
    }
    const updated = await this.users.update(id, patch, this.now().toISOString());
    if (!updated) throw new DomainError('not_found', 'not_found', `user '${id}' does not exist`);
    return updated;
  }

  /** Gives a user a new generated password (returned once) and ends their sessions. */
  async resetPassword(name: string): Promise<{ user: User; password: string }> {
    const user = await this.users.getByName(name);
    if (!user) throw new DomainError('not_found', 'not_found', `no user named '${name}'`);
    const password = generatePassword();
    await this.users.setPassword(user.id, await hashPassword(password), this.now().toISOString());
    return { user, password };
  }

  /**
   * Creates the first admin with `password` when the server has no users yet (TRELLIS_ADMIN_PASSWORD);
   * null when there are users already, so the variable can stay set without effect after the first start.
   */
  async ensureFirstAdmin(name: string, password: string): Promise<User | null> {
    if ((await this.users.count()) > 0) return null;
    return (await this.createUser({ name, role: 'admin', password })).user;
  }

  async tokens(user: User): Promise<ApiToken[]> {
    return this.users.tokens(user.id);
  }

  /** A new API token for the user; its secret is in the answer and nowhere else. */
  async createToken(
    user: User,
    input: { name: string; expiresInDays?: number | null | undefined },
  ): Promise<CreatedApiToken> {
    const secret = newApiToken();
    const now = this.now();
    const expiresAt =
      input.expiresInDays == null
        ? null
        : new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString();
    const token = await this.users.createToken({
      id: newId('tok'),
      userId: user.id,
      name: input.name,
      tokenHash: secretHash(secret),
      now: now.toISOString(),
      expiresAt,
    });
    return { token, secret };
  }

  async revokeToken(user: User, id: string): Promise<void> {
    if (!(await this.users.revokeToken(user.id, id, this.now().toISOString()))) {
      throw new DomainError('not_found', 'not_found', `you have no API token '${id}' in force`);
    }
  }
}
