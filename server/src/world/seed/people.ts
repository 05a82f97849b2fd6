import type { Rng } from '../random.ts';
import { ACCOUNT_APPS, insert, type WorldState } from '../state.ts';
import { CITIES, FIRST_NAMES, LAST_NAMES, MAIL_DOMAINS } from './names.ts';
import { password } from './util.ts';

export const PEOPLE_COUNT = 32;
/** How many people after the supervisor share their last name: their family. */
export const FAMILY_SIZE = 3;

/** The simulated population: the supervisor first, then their family, then everyone else; each with every account. */
export function seedPeople(state: WorldState, rng: Rng): void {
  const firsts = rng.sample(FIRST_NAMES, PEOPLE_COUNT);
  const lasts = rng.sample(LAST_NAMES, PEOPLE_COUNT);
  const phones = new Set<string>();
  for (let i = 0; i < PEOPLE_COUNT; i++) {
    const first = firsts[i] as string;
    const last = (i <= FAMILY_SIZE ? lasts[0] : lasts[i]) as string;
    let phone = '';
    do phone = `555${rng.int(1000000, 9999999)}`;
    while (phones.has(phone));
    phones.add(phone);
    const year = i > 0 && i <= FAMILY_SIZE && i !== 1 ? rng.int(1945, 1965) : rng.int(1965, 2004);
    const person = insert(state, 'people', {
      first_name: first,
      last_name: last,
      email: `${first}.${last}@${rng.pick(MAIL_DOMAINS)}`.toLowerCase(),
      phone_number: phone,
      birthday: `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
      city: rng.pick(CITIES),
    });
    for (const app of ACCOUNT_APPS)
      insert(state, 'accounts', { app, email: person.email, password: password(rng) });
  }
  state.meta.supervisor = state.tables.people[0]?.email ?? '';
}
