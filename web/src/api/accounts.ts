import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApiToken,
  CreateApiTokenRequest,
  CreatedApiToken,
  CreatedUser,
  CreateUserRequest,
  Me,
  SignInRequest,
  UpdateUserRequest,
  User,
} from '@trellis/shared';
import { api } from './client.ts';

export const accountKeys = {
  me: ['auth', 'me'] as const,
  tokens: ['auth', 'tokens'] as const,
  users: ['users'] as const,
};

export const meQuery = {
  queryKey: accountKeys.me,
  queryFn: () => api<Me>('GET', '/api/auth/me'),
  staleTime: Number.POSITIVE_INFINITY,
};

/** Who is signed in, and whether the server has accounts at all (single-user mode has none). */
export function useMe() {
  return useQuery(meQuery);
}

/** Signs in; everything read before (as nobody, or as someone else) is read again. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SignInRequest) => api<Me>('POST', '/api/auth/sign-in', body),
    onSuccess: (me) => {
      client.setQueryData(accountKeys.me, me);
      void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
    },
  });
}

/** Signs out, then starts the app afresh: nothing the last user saw stays in memory. */
export function useSignOut() {
  return useMutation({
    mutationFn: () => api<void>('POST', '/api/auth/sign-out'),
    onSettled: () => window.location.assign('/'),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: accountKeys.tokens,
    queryFn: () => api<ApiToken[]>('GET', '/api/auth/tokens'),
  });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenRequest) => api<CreatedApiToken>('POST', '/api/auth/tokens', body),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.tokens }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.tokens }),
  });
}

export function useUsers() {
  return useQuery({ queryKey: accountKeys.users, queryFn: () => api<User[]>('GET', '/api/users') });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api<CreatedUser>('POST', '/api/users', body),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.users }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateUserRequest }) =>
      api<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.users }),
  });
}
