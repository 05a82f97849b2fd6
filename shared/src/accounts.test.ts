import { describe, expect, it } from 'vitest';
import { CreateUserRequest, SignInRequest, UpdateUserRequest, UserName } from './accounts.ts';
import { isSignInError } from './auth-errors.ts';

describe('account schemas', () => {
  it('takes lower-case names safe to print, and says what a bad one breaks', () => {
    expect(UserName.parse(' ada.l-1 ')).toBe('ada.l-1');
    for (const bad of ['A', 'Ada', 'ada lovelace', '-ada', 'a'.repeat(41), 'ada<script>']) {
      expect(UserName.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('gives a new user the member role unless told, and refuses a short password or an unknown field', () => {
    expect(CreateUserRequest.parse({ name: 'mia' })).toEqual({ name: 'mia', role: 'member' });
    expect(CreateUserRequest.safeParse({ name: 'mia', password: 'short' }).success).toBe(false);
    expect(CreateUserRequest.safeParse({ name: 'mia', admin: true }).success).toBe(false);
    expect(SignInRequest.safeParse({ name: 'mia', password: '' }).success).toBe(false);
  });

  it('refuses an empty user change', () => {
    expect(UpdateUserRequest.safeParse({}).success).toBe(false);
    expect(UpdateUserRequest.parse({ disabled: true })).toEqual({ disabled: true });
  });

  it("reads a 401 as 'sign in' only for the accounts codes", () => {
    expect(isSignInError(401, 'invalid_session')).toBe(true);
    expect(isSignInError(401, 'unauthorized')).toBe(false);
    expect(isSignInError(403, 'invalid_token')).toBe(false);
  });
});
