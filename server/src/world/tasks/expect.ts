import type { Change } from '../eval/diff.ts';
import {
  type Expectation,
  merge,
  type RowPattern,
  rowMatches,
  rowsAdded,
  rowUpdated,
} from '../eval/expectations.ts';
import { normalizeText } from '../eval/normalize.ts';
import type { WorldState } from '../state.ts';

/** Balances of these people may change (payments move money); nothing else on their wallet rows. */
export function balancesOf(...emails: string[]): Expectation {
  const match = (change: Change) =>
    emails.includes(String(change.before?.email)) && change.fields.every((field) => field === 'balance');
  return { checks: [], allows: [{ table: 'wallet_accounts', kind: 'updated', match }] };
}

/** Exactly these payments were made, and the balances involved changed accordingly. */
export function paymentsMade(
  sender: string,
  payments: readonly { receiver: string; amount: number; description?: unknown }[],
  what: string,
): Expectation {
  const patterns: RowPattern[] = payments.map((p) => ({
    sender,
    receiver: p.receiver,
    amount: p.amount,
    ...(p.description === undefined ? {} : { description: p.description }),
  }));
  return merge(
    rowsAdded('wallet_transactions', patterns, what),
    balancesOf(sender, ...payments.map((p) => p.receiver)),
  );
}

/** Each payment request was approved (a transaction paid it) or declined, as listed. */
export function requestsResolved(
  state: WorldState,
  approved: readonly number[],
  declined: readonly number[],
): Expectation {
  const rows = state.tables.wallet_requests;
  const approvedRows = approved
    .map((id) => rows.find((row) => row.id === id))
    .filter((row) => row !== undefined);
  const parts = [
    ...approved.map((id) =>
      rowUpdated('wallet_requests', id, { status: 'approved' }, 'the request was approved'),
    ),
    ...declined.map((id) =>
      rowUpdated('wallet_requests', id, { status: 'declined' }, 'the request was declined'),
    ),
  ];
  if (approvedRows.length > 0) {
    const payer = approvedRows[0]?.payer ?? '';
    parts.push(
      paymentsMade(
        payer,
        approvedRows.map((row) => ({ receiver: row.requester, amount: row.amount })),
        'approving paid each request',
      ),
    );
  }
  return merge(...parts);
}

/**
 * Every recipient received an email from `sender` matching `pattern` (one email to all or one each);
 * any mail the sender sent to them is allowed, nothing else.
 */
export function emailsDelivered(
  sender: string,
  recipients: readonly string[],
  pattern: RowPattern,
  what: string,
): Expectation {
  const targets = new Set(recipients.map(normalizeText));
  const ownerOk = (change: Change) => {
    const owner = normalizeText(String(change.after?.owner));
    return change.after?.sender === sender && (owner === normalizeText(sender) || targets.has(owner));
  };
  return {
    checks: recipients.map((recipient) => ({
      requirement: `${what}: ${recipient} received an email from ${sender} with ${JSON.stringify(pattern)}`,
      label: 'state',
      run: ({ changes }) => {
        const delivered = changes.filter(
          (c) =>
            c.table === 'mail_emails' &&
            c.kind === 'added' &&
            c.after?.owner === recipient &&
            c.after?.sender === sender,
        );
        const ok = delivered.some((c) => c.after !== null && rowMatches(pattern, c.after));
        return ok
          ? null
          : `emails delivered to ${recipient}: ${JSON.stringify(delivered.map((c) => c.after))}`;
      },
    })),
    allows: [{ table: 'mail_emails', kind: 'added', match: ownerOk }],
  };
}
