import type { EndpointTimeouts, InferenceErrorCode } from '@trellis/shared';
import type { Fault } from '../testserver/script.ts';

export interface FaultCase {
  fault: Fault;
  /** The typed error the stream must end with. */
  code: InferenceErrorCode;
  /** What the message must say. */
  says: RegExp;
  /** Whether the failure comes before the answer starts (the Playground then answers HTTP 424). */
  beforeStart: boolean;
  /** The one deadline the fault should trip, shortened; the others stay long so a busy machine trips no other. */
  deadline: Partial<EndpointTimeouts>;
}

/** Every scripted fault of the test server, with the result a client must report for it. */
export function faultCases(deadlineMs: number): FaultCase[] {
  const seconds = (deadlineMs / 1000).toFixed(1).replace('.', '\\.');
  return [
    { fault: 'http_500', code: 'server_error', says: /HTTP 500/, beforeStart: true, deadline: {} },
    { fault: 'malformed_sse', code: 'malformed_stream', says: /not JSON/, beforeStart: false, deadline: {} },
    {
      fault: 'mid_stream_error',
      code: 'stream_error',
      says: /illegal memory access/,
      beforeStart: false,
      deadline: {},
    },
    {
      fault: 'stall_before_first',
      code: 'first_token_timeout',
      says: new RegExp(`no token within ${seconds} s`),
      beforeStart: false,
      deadline: { firstTokenMs: deadlineMs },
    },
    {
      fault: 'stall_between',
      code: 'idle_timeout',
      says: new RegExp(`stopped sending tokens for ${seconds} s`),
      beforeStart: false,
      deadline: { idleMs: deadlineMs },
    },
    {
      fault: 'drop_connection',
      code: 'connection_lost',
      says: /lost mid-stream/,
      beforeStart: false,
      deadline: {},
    },
    {
      fault: 'stall_headers',
      code: 'first_token_timeout',
      says: new RegExp(`no response within ${seconds} s`),
      beforeStart: true,
      deadline: { connectMs: deadlineMs },
    },
  ];
}
