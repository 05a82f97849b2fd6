/**
 * What a service refuses, in the domain's words. Services throw these and know nothing of HTTP; the route layer
 * maps each kind to a status (server/src/http/errors.ts) and the CLI prints the message.
 */
export type DomainErrorKind =
  /** The request itself is malformed or names things that are not there to be named. */
  | 'invalid'
  /** The thing asked for does not exist. */
  | 'not_found'
  /** The request is well-formed but clashes with the current state (a live run, a duplicate name). */
  | 'conflict'
  /** The request is well-formed but what it names cannot be done (a graph that cannot run). */
  | 'unprocessable'
  /** A service the request needs cannot be reached (an environment server). */
  | 'unavailable'
  /** A server this one depends on (an inference server) failed the request. */
  | 'upstream'
  /** The request carries no valid credentials: none, or a wrong, expired or revoked session or token. */
  | 'unauthenticated'
  /** The signed-in user's role does not allow the request. */
  | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** A stable code a client can act on, such as `invalid_graph`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
