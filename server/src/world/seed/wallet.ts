import type { Rng } from '../random.ts';
import { insert, type WorldState } from '../state.ts';
import { CONTACT_COUNT } from './phone.ts';
import { pastTime } from './util.ts';

export const PAYMENT_REASONS = [
  'pizza night',
  'concert tickets',
  'groceries',
  'taxi home',
  'birthday gift',
  'coffee',
  'cabin rental',
  'book club snacks',
  'gas money',
  'movie tickets',
];

export function seedWallet(state: WorldState, rng: Rng): void {
  const supervisor = state.meta.supervisor;
  for (const person of state.tables.people) {
    const balance = person.email === supervisor ? rng.money(1500, 3000) : rng.money(200, 4000);
    insert(state, 'wallet_accounts', { email: person.email, balance });
  }
  const contacts = state.tables.people.slice(1, CONTACT_COUNT + 1).map((person) => person.email);
  const strangers = state.tables.people.slice(CONTACT_COUNT + 1).map((person) => person.email);
  const times = Array.from({ length: 30 }, () => pastTime(rng, state.meta.now, 90)).sort();
  for (const created_at of times) {
    const other = rng.pick(contacts);
    const outgoing = rng.chance(0.5);
    insert(state, 'wallet_transactions', {
      sender: outgoing ? supervisor : other,
      receiver: outgoing ? other : supervisor,
      amount: rng.money(5, 120),
      description: rng.pick(PAYMENT_REASONS),
      created_at,
    });
  }
  for (let i = 0; i < 8; i++) {
    const a = rng.pick(contacts);
    const b = rng.pick(strangers);
    insert(state, 'wallet_transactions', {
      sender: a,
      receiver: b,
      amount: rng.money(5, 80),
      description: rng.pick(PAYMENT_REASONS),
      created_at: pastTime(rng, state.meta.now, 60),
    });
  }
  for (let i = 0; i < 8; i++) {
    const other = rng.pick(contacts);
    const incoming = i % 2 === 0;
    const status = rng.pick(['approved', 'declined', 'pending'] as const);
    const created_at = pastTime(rng, state.meta.now, 45);
    insert(state, 'wallet_requests', {
      requester: incoming ? other : supervisor,
      payer: incoming ? supervisor : other,
      amount: rng.money(8, 90),
      description: rng.pick(PAYMENT_REASONS),
      status,
      created_at,
      resolved_at: status === 'pending' ? null : created_at,
    });
  }
}
