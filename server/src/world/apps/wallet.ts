import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { ApiFailure, notFound, unprocessable } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { sortBy, sortOptions } from '../api/sort.ts';
import {
  insert,
  type PaymentRequest,
  type WalletAccount,
  type WalletTransaction,
  type WorldState,
} from '../state.ts';

const amount = param.number('Amount in dollars, with at most two decimals.', { min: 0.01, max: 10000 });
const requestId = param.integer('Id of the payment request.', { min: 1 });

function walletOf(state: WorldState, email: string): WalletAccount {
  const account = state.tables.wallet_accounts.find((row) => row.email === email);
  if (!account) throw new ApiFailure(404, `No wallet user with email ${JSON.stringify(email)}.`);
  return account;
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

function transfer(
  state: WorldState,
  from: string,
  to: string,
  value: number,
  description: string,
  now: string,
) {
  const sender = walletOf(state, from);
  const receiver = walletOf(state, to);
  if (sender.balance < value) {
    throw unprocessable(
      `Insufficient balance: you have $${sender.balance.toFixed(2)}, the payment needs $${value.toFixed(2)}.`,
    );
  }
  sender.balance = cents(sender.balance - value);
  receiver.balance = cents(receiver.balance + value);
  return insert(state, 'wallet_transactions', {
    sender: from,
    receiver: to,
    amount: value,
    description,
    created_at: now,
  });
}

const TRANSACTION = {
  transaction_id: 'integer',
  sender_email: 'string',
  receiver_email: 'string',
  amount: 'number',
  description: 'string',
  created_at: 'string',
} as const;

function transactionView(row: WalletTransaction) {
  return {
    transaction_id: row.id,
    sender_email: row.sender,
    receiver_email: row.receiver,
    amount: row.amount,
    description: row.description,
    created_at: row.created_at,
  };
}

const REQUEST = {
  payment_request_id: 'integer',
  requester_email: 'string',
  payer_email: 'string',
  amount: 'number',
  description: 'string',
  status: 'string',
  created_at: 'string',
} as const;

function requestView(row: PaymentRequest) {
  return {
    payment_request_id: row.id,
    requester_email: row.requester,
    payer_email: row.payer,
    amount: row.amount,
    description: row.description,
    status: row.status,
    created_at: row.created_at,
  };
}

const showBalance = defineApi({
  name: 'show_balance',
  description: 'Show your wallet balance in dollars.',
  requiresAuth: true,
  params: {},
  response: { balance: 'number' },
  handler: ({ state, user }) => ({ balance: walletOf(state, user).balance }),
});

const showTransactions = defineApi({
  name: 'show_transactions',
  description: 'List money you sent or received, newest first by default. Paginated.',
  requiresAuth: true,
  params: {
    direction: nullable(
      param.choice('Only money you sent or only money you received.', ['sent', 'received'] as const),
    ),
    user_email: nullable(param.string('Only transactions with this person.', { format: 'email' })),
    min_created_at: nullable(param.string('Only transactions on or after this date.', { format: 'date' })),
    max_created_at: nullable(param.string('Only transactions on or before this date.', { format: 'date' })),
    sort_by: optional(
      param.choice('Order of the results; "-" means descending.', sortOptions(['created_at', 'amount'])),
      '-created_at',
    ),
    ...pageParams,
  },
  response: [TRANSACTION],
  handler: ({ state, user }, args) => {
    const matches = state.tables.wallet_transactions.filter((row) => {
      const mine = row.sender === user || row.receiver === user;
      const other = row.sender === user ? row.receiver : row.sender;
      const day = row.created_at.slice(0, 10);
      return (
        mine &&
        (args.direction === null ||
          (args.direction === 'sent' ? row.sender === user : row.receiver === user)) &&
        (args.user_email === null || other === args.user_email) &&
        (args.min_created_at === null || day >= args.min_created_at) &&
        (args.max_created_at === null || day <= args.max_created_at)
      );
    });
    const sorted = sortBy(matches, args.sort_by, (row, field) =>
      field === 'amount' ? row.amount : row.created_at,
    );
    return paginate(sorted, args).map(transactionView);
  },
});

const showTransaction = defineApi({
  name: 'show_transaction',
  description: 'Show one of your transactions.',
  requiresAuth: true,
  params: { transaction_id: param.integer('Id of the transaction.', { min: 1 }) },
  response: TRANSACTION,
  handler: ({ state, user }, { transaction_id }) => {
    const row = state.tables.wallet_transactions.find(
      (candidate) =>
        candidate.id === transaction_id && (candidate.sender === user || candidate.receiver === user),
    );
    if (!row) throw notFound('transaction', transaction_id);
    return transactionView(row);
  },
});

const sendMoney = defineApi({
  name: 'send_money',
  description: 'Send money from your balance to another wallet user.',
  requiresAuth: true,
  params: {
    receiver_email: param.string('Email of the person to pay.', { format: 'email' }),
    amount,
    description: optional(param.string('What the payment is for.', { maxLength: 200 }), ''),
  },
  response: { message: 'string', transaction_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    if (args.receiver_email === user) throw unprocessable('You cannot send money to yourself.');
    const row = transfer(state, user, args.receiver_email, cents(args.amount), args.description, now);
    return { message: 'Money sent.', transaction_id: row.id };
  },
});

const showPaymentRequests = defineApi({
  name: 'show_payment_requests',
  description:
    'List payment requests you received (others asking you to pay) or sent, newest first. Paginated.',
  requiresAuth: true,
  params: {
    direction: optional(
      param.choice('Requests you received or requests you sent.', ['received', 'sent'] as const),
      'received',
    ),
    status: nullable(
      param.choice('Only requests in this state.', ['pending', 'approved', 'declined'] as const),
    ),
    ...pageParams,
  },
  response: [REQUEST],
  handler: ({ state, user }, args) => {
    const matches = state.tables.wallet_requests.filter(
      (row) =>
        (args.direction === 'received' ? row.payer === user : row.requester === user) &&
        (args.status === null || row.status === args.status),
    );
    return paginate(
      sortBy(matches, '-created_at', (row) => row.created_at),
      args,
    ).map(requestView);
  },
});

const createPaymentRequest = defineApi({
  name: 'create_payment_request',
  description: 'Ask another wallet user to pay you an amount.',
  requiresAuth: true,
  params: {
    user_email: param.string('Email of the person who should pay.', { format: 'email' }),
    amount,
    description: optional(param.string('What the request is for.', { maxLength: 200 }), ''),
  },
  response: { message: 'string', payment_request_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    if (args.user_email === user) throw unprocessable('You cannot request money from yourself.');
    walletOf(state, args.user_email);
    const row = insert(state, 'wallet_requests', {
      requester: user,
      payer: args.user_email,
      amount: cents(args.amount),
      description: args.description,
      status: 'pending',
      created_at: now,
      resolved_at: null,
    });
    return { message: 'Payment request sent.', payment_request_id: row.id };
  },
});

function pendingRequestFor(state: WorldState, user: string, id: number): PaymentRequest {
  const row = state.tables.wallet_requests.find(
    (candidate) => candidate.id === id && candidate.payer === user,
  );
  if (!row) throw notFound('payment request addressed to you', id);
  if (row.status !== 'pending') throw unprocessable(`Payment request ${id} is already ${row.status}.`);
  return row;
}

const approvePaymentRequest = defineApi({
  name: 'approve_payment_request',
  description: 'Pay a pending request someone sent you; the money leaves your balance.',
  requiresAuth: true,
  params: { payment_request_id: requestId },
  response: { message: 'string', transaction_id: 'integer' },
  handler: ({ state, user, now }, { payment_request_id }) => {
    const row = pendingRequestFor(state, user, payment_request_id);
    const payment = transfer(state, user, row.requester, row.amount, row.description, now);
    row.status = 'approved';
    row.resolved_at = now;
    return { message: 'Payment request approved.', transaction_id: payment.id };
  },
});

const declinePaymentRequest = defineApi({
  name: 'decline_payment_request',
  description: 'Decline a pending request someone sent you.',
  requiresAuth: true,
  params: { payment_request_id: requestId },
  response: { message: 'string' },
  handler: ({ state, user, now }, { payment_request_id }) => {
    const row = pendingRequestFor(state, user, payment_request_id);
    row.status = 'declined';
    row.resolved_at = now;
    return { message: 'Payment request declined.' };
  },
});

export const walletApp = defineApp(
  'wallet',
  'A payments app: your balance, money sent and received, payment requests.',
  [
    loginApi('wallet'),
    logoutApi('wallet'),
    showBalance,
    showTransactions,
    showTransaction,
    sendMoney,
    showPaymentRequests,
    createPaymentRequest,
    approvePaymentRequest,
    declinePaymentRequest,
  ],
);
