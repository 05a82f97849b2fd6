import { createHash, randomBytes } from 'node:crypto';
import { API_TOKEN_PREFIX } from '@trellis/shared';

/**
 * Session ids and API tokens are 256 random bits, so a fast hash is enough to keep them unusable if the
 * database leaks (a slow hash defends guessable secrets, and these cannot be guessed). The store holds only the
 * hash; the secret goes to its owner once.
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** An id for a stored record, `<prefix>_<16 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
