import { answerIs, rowsAdded } from '../eval/expectations.ts';
import { monthName } from '../time.ts';
import { contactsOf, fullName, personByEmail } from './lookup.ts';
import { collect, findContact, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

const numberOf = defineScenario({
  name: 'phone_number_of',
  split: 'dev',
  difficulty: 1,
  apps: ['phone'],
  variants: 3,
  build: ({ state, rng }) => {
    const contact = rng.pick(contactsOf(state));
    return {
      instruction: `What is ${fullName(contact)}'s phone number?`,
      solution: python`
        ${login('phone')}
        ${findContact('contact', fullName(contact))}
        apis.supervisor.complete_task(answer=contact["phone_number"])
      `,
      expect: answerIs(contact.phone_number ?? ''),
    };
  },
});

const NEW_CONTACTS = [
  {
    first_name: 'Lotte',
    last_name: 'Brandvold',
    phone_number: '5550147732',
    email: 'lotte.brandvold@pinepost.com',
    relationship: 'coworker',
  },
  {
    first_name: 'Ambrose',
    last_name: 'Kettering',
    phone_number: '5550193310',
    email: 'ambrose.k@larkmail.net',
    relationship: 'neighbor',
  },
  {
    first_name: 'Suvi',
    last_name: 'Marchbank',
    phone_number: '5550172264',
    email: 'suvi.marchbank@orbitmail.org',
    relationship: 'friend',
  },
];

const addContact = defineScenario({
  name: 'phone_add_contact',
  split: 'test',
  difficulty: 1,
  apps: ['phone'],
  variants: 3,
  build: ({ state, variant }) => {
    const c = forVariant(NEW_CONTACTS, variant);
    return {
      instruction: `Add ${c.first_name} ${c.last_name} to my contacts as a ${c.relationship}, with the phone number ${c.phone_number} and the email ${c.email}.`,
      solution: python`
        ${login('phone')}
        apis.phone.add_contact(access_token=phone_token, first_name=${py(c.first_name)}, last_name=${py(c.last_name)}, phone_number=${py(c.phone_number)}, email=${py(c.email)}, relationship=${py(c.relationship)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded('phone_contacts', [{ owner: state.meta.supervisor, ...c }], 'the contact was added'),
    };
  },
});

const TEXTS = [
  'On my way, see you in 10 minutes.',
  'Happy to help on Saturday!',
  'Can we move our call to tomorrow?',
];

const text = defineScenario({
  name: 'phone_text',
  split: 'test',
  difficulty: 1,
  apps: ['phone'],
  variants: 3,
  build: ({ state, rng, variant, supervisor }) => {
    const contact = rng.pick(contactsOf(state));
    const message = forVariant(TEXTS, variant);
    return {
      instruction: `Send ${fullName(contact)} a text message saying "${message}"`,
      solution: python`
        ${login('phone')}
        ${findContact('contact', fullName(contact))}
        apis.phone.send_text_message(access_token=phone_token, phone_number=contact["phone_number"], message=${py(message)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'phone_messages',
        [{ sender: supervisor.phone_number, receiver: contact.phone_number, message }],
        'the text was sent',
      ),
    };
  },
});

const birthdayMonth = defineScenario({
  name: 'phone_birthday_month',
  split: 'dev',
  difficulty: 2,
  apps: ['phone'],
  variants: 3,
  build: ({ state, rng }) => {
    const month = rng.int(1, 12);
    const mm = String(month).padStart(2, '0');
    const contacts = contactsOf(state);
    const target = rng.int(2, 3);
    for (const contact of rng.shuffle(contacts)) {
      if (contacts.filter((c) => c.birthday?.slice(5, 7) === mm).length >= target) break;
      if (!contact.birthday || contact.birthday.slice(5, 7) === mm) continue;
      const birthday = `${contact.birthday.slice(0, 4)}-${mm}-${contact.birthday.slice(8)}`;
      contact.birthday = birthday;
      personByEmail(state, contact.email ?? '').birthday = birthday;
    }
    const names = contacts.filter((c) => c.birthday?.slice(5, 7) === mm).map(fullName);
    return {
      instruction: `Which of my contacts have their birthday in ${monthName(month)}? Give their full names, separated by commas.`,
      solution: python`
        ${login('phone')}
        ${collect('contacts', 'phone', 'search_contacts', 'access_token=phone_token')}
        names = [c["first_name"] + " " + c["last_name"] for c in contacts if c["birthday"] and c["birthday"][5:7] == ${py(mm)}]
        apis.supervisor.complete_task(answer=", ".join(names))
      `,
      expect: answerIs(names),
    };
  },
});

const countRelationship = defineScenario({
  name: 'phone_count_relationship',
  split: 'test',
  difficulty: 2,
  apps: ['phone'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const relationship = forVariant(['coworker', 'friend', 'neighbor'], variant);
    const contacts = contactsOf(state).filter((c) => c.relationship !== 'family');
    const target = rng.int(6, 9);
    for (const contact of rng.shuffle(contacts)) {
      if (contacts.filter((c) => c.relationship === relationship).length >= target) break;
      contact.relationship = relationship;
    }
    return {
      instruction: `How many of my contacts are listed as ${relationship}s?`,
      solution: python`
        ${login('phone')}
        ${collect('contacts', 'phone', 'search_contacts', `access_token=phone_token, relationship=${py(relationship)}`)}
        apis.supervisor.complete_task(answer=len(contacts))
      `,
      expect: answerIs(contactsOf(state).filter((c) => c.relationship === relationship).length),
    };
  },
});

export const phoneScenarios = [numberOf, addContact, text, birthdayMonth, countRelationship];
