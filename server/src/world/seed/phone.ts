import type { Rng } from '../random.ts';
import { insert, type Person, type WorldState } from '../state.ts';
import { FAMILY_SIZE } from './people.ts';
import { pastTime } from './util.ts';

/** People 1..CONTACT_COUNT are in the supervisor's contacts; the rest are strangers to them. */
export const CONTACT_COUNT = 20;

const TEXTS = [
  'Running ten minutes late, sorry!',
  'Did you see the game last night?',
  'Can you send me that recipe?',
  'Happy to help with the move on Saturday.',
  'Are we still on for lunch tomorrow?',
  'Thanks again for dinner, it was lovely.',
  'Call me when you get a chance.',
  'I left your umbrella at the front desk.',
  'The meeting got moved to 3pm.',
  'Just landed, heading home now.',
  'Do you need anything from the store?',
  'That concert was amazing.',
];

export function seedPhone(state: WorldState, rng: Rng): void {
  const [supervisor, ...others] = state.tables.people as [Person, ...Person[]];
  const contacts = others.slice(0, CONTACT_COUNT);
  for (const [index, person] of contacts.entries()) {
    insert(state, 'phone_contacts', {
      owner: supervisor.email,
      first_name: person.first_name,
      last_name: person.last_name,
      email: person.email,
      phone_number: person.phone_number,
      relationship:
        index < FAMILY_SIZE ? 'family' : rng.pick(['friend', 'friend', 'coworker', 'coworker', 'neighbor']),
      birthday: person.birthday,
    });
  }
  const times = Array.from({ length: 28 }, () => pastTime(rng, state.meta.now, 40)).sort();
  for (const sent_at of times) {
    const other = rng.pick(contacts);
    const outgoing = rng.chance(0.5);
    insert(state, 'phone_messages', {
      sender: outgoing ? supervisor.phone_number : other.phone_number,
      receiver: outgoing ? other.phone_number : supervisor.phone_number,
      message: rng.pick(TEXTS),
      sent_at,
    });
  }
}
