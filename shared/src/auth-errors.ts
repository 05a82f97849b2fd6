// No zod here: the web app reads these on every page, before any schema is needed.

/**
 * The codes of a 401 in accounts mode: each means "sign in (again)" to the web app. The message says which
 * (no credentials, a wrong or expired session, a wrong, expired or revoked token, a disabled account).
 */
export const SIGN_IN_ERROR_CODES = [
  'unauthenticated',
  'invalid_session',
  'invalid_token',
  'account_disabled',
] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

export function isSignInError(status: number, code: string): boolean {
  return status === 401 && (SIGN_IN_ERROR_CODES as readonly string[]).includes(code);
}
