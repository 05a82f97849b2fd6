import { answerIs } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import { pastTime } from '../seed/util.ts';
import { PAYMENT_REASONS } from '../seed/wallet.ts';
import { insert, type PaymentRequest, type WorldState } from '../state.ts';
import { paymentsMade, requestsResolved } from './expect.ts';
import { contactsOf, fullName, relationshipWord, round2 } from './lookup.ts';
import { collect, findContact, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

/** A pending request from `requester` to the supervisor. */
export function plantRequest(
  state: WorldState,
  rng: Rng,
  requester: string,
  amount: number,
  description: string,
): PaymentRequest {
  return insert(state, 'wallet_requests', {
    requester,
    payer: state.meta.supervisor,
    amount,
    description,
    status: 'pending',
    created_at: pastTime(rng, state.meta.now, 10),
    resolved_at: null,
  });
}

/** A round-ish amount such as 42.5 that reads naturally in an instruction. */
export function friendlyAmount(rng: Rng, min: number, max: number): number {
  return rng.int(min, max) + rng.pick([0, 0, 0.5, 0.25]);
}

const balance = defineScenario({
  name: 'wallet_balance',
  split: 'dev',
  difficulty: 1,
  apps: ['wallet'],
  variants: 3,
  build: ({ state, variant }) => {
    const account = state.tables.wallet_accounts.find((a) => a.email === state.meta.supervisor);
    return {
      instruction: forVariant(
        [
          'What is my current wallet balance?',
          'How much money do I have in my wallet right now?',
          'Check my wallet balance and tell me the amount.',
        ],
        variant,
      ),
      solution: python`
        ${login('wallet')}
        apis.supervisor.complete_task(answer=apis.wallet.show_balance(access_token=wallet_token)["balance"])
      `,
      expect: answerIs(account?.balance ?? 0),
    };
  },
});

const send = defineScenario({
  name: 'wallet_send',
  split: 'test',
  difficulty: 1,
  apps: ['wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const receiver = rng.pick(contactsOf(state)).email ?? '';
    const amount = friendlyAmount(rng, 5, 60);
    const reason = rng.pick(PAYMENT_REASONS);
    return {
      instruction: `Send $${amount.toFixed(2)} to ${receiver} on my wallet app, with the description "${reason}".`,
      solution: python`
        ${login('wallet')}
        apis.wallet.send_money(access_token=wallet_token, receiver_email=${py(receiver)}, amount=${amount}, description=${py(reason)})
        apis.supervisor.complete_task()
      `,
      expect: paymentsMade(
        state.meta.supervisor,
        [{ receiver, amount, description: reason }],
        'the money was sent',
      ),
    };
  },
});

const declineRequest = defineScenario({
  name: 'wallet_decline_request',
  split: 'test',
  difficulty: 1,
  apps: ['wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const requester = rng.pick(contactsOf(state)).email ?? '';
    const taken = state.tables.wallet_requests
      .filter((r) => r.requester === requester)
      .map((r) => r.description);
    const reason = rng.pick(PAYMENT_REASONS.filter((r) => !taken.includes(r)));
    const request = plantRequest(state, rng, requester, friendlyAmount(rng, 10, 80), reason);
    return {
      instruction: `Decline the pending payment request that ${requester} sent me for "${reason}".`,
      solution: python`
        ${login('wallet')}
        ${collect('requests', 'wallet', 'show_payment_requests', 'access_token=wallet_token, status="pending"')}
        for request in requests:
            if request["requester_email"] == ${py(requester)} and request["description"] == ${py(reason)}:
                apis.wallet.decline_payment_request(access_token=wallet_token, payment_request_id=request["payment_request_id"])
        apis.supervisor.complete_task()
      `,
      expect: requestsResolved(state, [], [request.id]),
    };
  },
});

const receivedFrom = defineScenario({
  name: 'wallet_received_from',
  split: 'dev',
  difficulty: 2,
  apps: ['phone', 'wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const contact = rng.pick(contactsOf(state));
    const email = contact.email ?? '';
    for (let i = rng.int(2, 4); i > 0; i--) {
      insert(state, 'wallet_transactions', {
        sender: email,
        receiver: state.meta.supervisor,
        amount: rng.money(5, 90),
        description: rng.pick(PAYMENT_REASONS),
        created_at: pastTime(rng, state.meta.now, 60),
      });
    }
    const total = round2(
      state.tables.wallet_transactions
        .filter((t) => t.sender === email && t.receiver === state.meta.supervisor)
        .reduce((sum, t) => sum + t.amount, 0),
    );
    return {
      instruction: `How much money in total have I received from ${fullName(contact)} on the wallet app? Their email address is in my phone contacts.`,
      solution: python`
        ${login('phone', 'wallet')}
        ${findContact('contact', fullName(contact))}
        ${collect('received', 'wallet', 'show_transactions', 'access_token=wallet_token, direction="received", user_email=contact["email"]')}
        apis.supervisor.complete_task(answer=round(sum(t["amount"] for t in received), 2))
      `,
      expect: answerIs(total),
    };
  },
});

const payContact = defineScenario({
  name: 'wallet_pay_contact',
  split: 'test',
  difficulty: 2,
  apps: ['phone', 'wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const contact = rng.pick(contactsOf(state));
    const amount = friendlyAmount(rng, 10, 70);
    const reason = rng.pick(PAYMENT_REASONS);
    return {
      instruction: `Send my ${relationshipWord(contact.relationship)} ${fullName(contact)} $${amount.toFixed(2)} on the wallet app with the description "${reason}".`,
      solution: python`
        ${login('phone', 'wallet')}
        ${findContact('contact', fullName(contact))}
        apis.wallet.send_money(access_token=wallet_token, receiver_email=contact["email"], amount=${amount}, description=${py(reason)})
        apis.supervisor.complete_task()
      `,
      expect: paymentsMade(
        state.meta.supervisor,
        [{ receiver: contact.email ?? '', amount, description: reason }],
        'the money was sent',
      ),
    };
  },
});

const approveFrom = defineScenario({
  name: 'wallet_approve_from',
  split: 'test',
  difficulty: 2,
  apps: ['phone', 'wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const [contact, ...others] = rng.shuffle(contactsOf(state));
    if (!contact) throw new Error('no contacts');
    const reasons = rng.sample(PAYMENT_REASONS, 3);
    for (const reason of reasons.slice(0, rng.int(2, 3))) {
      plantRequest(state, rng, contact.email ?? '', friendlyAmount(rng, 8, 60), reason);
    }
    for (const other of others.slice(0, 3))
      plantRequest(state, rng, other.email ?? '', friendlyAmount(rng, 8, 60), rng.pick(PAYMENT_REASONS));
    const ids = state.tables.wallet_requests
      .filter(
        (r) => r.requester === contact.email && r.payer === state.meta.supervisor && r.status === 'pending',
      )
      .map((r) => r.id);
    return {
      instruction: `Approve every pending payment request I received from ${fullName(contact)} on the wallet app.`,
      solution: python`
        ${login('phone', 'wallet')}
        ${findContact('contact', fullName(contact))}
        ${collect('requests', 'wallet', 'show_payment_requests', 'access_token=wallet_token, status="pending"')}
        for request in requests:
            if request["requester_email"] == contact["email"]:
                apis.wallet.approve_payment_request(access_token=wallet_token, payment_request_id=request["payment_request_id"])
        apis.supervisor.complete_task()
      `,
      expect: requestsResolved(state, ids, []),
    };
  },
});

export const walletScenarios = [balance, send, declineRequest, receivedFrom, payContact, approveFrom];
