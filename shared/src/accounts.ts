import { z } from 'zod';

/**
 * Accounts of a team server (TRELLIS_AUTH=accounts). Single-user mode has none: the API answers as today and
 * records no author.
 */

/** What a person may do: `admin` manages users, `member` does everything else, `viewer` reads only. */
export const UserRole = z.enum(['admin', 'member', 'viewer']);
export type UserRole = z.infer<typeof UserRole>;

/** Which way the server admits people: one local user with no accounts, or signed-in accounts. */
export const AuthMode = z.enum(['single-user', 'accounts']);
export type AuthMode = z.infer<typeof AuthMode>;

/** A sign-in name: short, lower-case and safe to print anywhere (CLI output, "by <name>" in the web app). */
export const UserName = z
  .string()
  .trim()
  .min(2, 'a user name has at least 2 characters')
  .max(40, 'a user name has at most 40 characters')
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'a user name is lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit',
  );

/** A password a person chooses; generated ones are longer. */
export const Password = z
  .string()
  .min(10, 'a password has at least 10 characters')
  .max(256, 'a password has at most 256 characters');

/** Who created a record (a graph version, a run, an experiment…); null where no account did (single-user mode). */
export const Author = z.object({ id: z.string(), name: z.string() });
export type Author = z.infer<typeof Author>;

export const User = z.object({
  id: z.string(),
  name: UserName,
  role: UserRole,
  /** A disabled user cannot sign in, and their sessions and API tokens stop working at once. */
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

/** GET /api/auth/me: the mode, and in accounts mode the signed-in user. */
export const Me = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('single-user'), user: z.null() }),
  z.object({ mode: z.literal('accounts'), user: User }),
]);
export type Me = z.infer<typeof Me>;

export const SignInRequest = z
  .object({
    name: z.string().trim().min(1, 'give your user name').max(40),
    password: z.string().min(1, 'give your password').max(256),
  })
  .strict();
export type SignInRequest = z.infer<typeof SignInRequest>;

export const CreateUserRequest = z
  .object({
    name: UserName,
    role: UserRole.default('member'),
    /** Omitted: the server generates one and returns it once. */
    password: Password.optional(),
  })
  .strict();
export type CreateUserRequest = z.input<typeof CreateUserRequest>;

/** The new user, and the generated password when none was given (shown once, never stored in clear). */
export const CreatedUser = z.object({ user: User, password: z.string().nullable() });
export type CreatedUser = z.infer<typeof CreatedUser>;

export const UpdateUserRequest = z
  .object({ role: UserRole.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((patch) => patch.role !== undefined || patch.disabled !== undefined, {
    message: 'give role or disabled',
  });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** API tokens start with this, so they are recognisable in a config file or a leaked log. */
export const API_TOKEN_PREFIX = 'trl_';

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Null: does not expire. */
  expiresAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateApiTokenRequest = z
  .object({
    name: z.string().trim().min(1, 'name the token (what uses it)').max(80),
    /** Omitted or null: does not expire. */
    expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict();
export type CreateApiTokenRequest = z.input<typeof CreateApiTokenRequest>;

/** A new token with its secret, which the server returns this once and keeps only as a hash. */
export const CreatedApiToken = z.object({ token: ApiToken, secret: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
