import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { findOwned } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { includesText, sortBy } from '../api/sort.ts';
import { type Contact, insert, type WorldState } from '../state.ts';

export const RELATIONSHIPS = ['family', 'friend', 'coworker', 'neighbor', 'other'] as const;

const contactId = param.integer('Id of the contact.', { min: 1 });
const phoneNumber = (description: string) => param.string(description, { format: 'phone' });
const relationship = param.choice('How you know the person.', RELATIONSHIPS);
const birthday = param.string('Birthday.', { format: 'date' });

const CONTACT = {
  contact_id: 'integer',
  first_name: 'string',
  last_name: 'string',
  email: 'string | null',
  phone_number: 'string | null',
  relationship: 'string',
  birthday: 'string | null',
} as const;

function view(contact: Contact) {
  return {
    contact_id: contact.id,
    first_name: contact.first_name,
    last_name: contact.last_name,
    email: contact.email,
    phone_number: contact.phone_number,
    relationship: contact.relationship,
    birthday: contact.birthday,
  };
}

function phoneOf(state: WorldState, user: string): string {
  return state.tables.people.find((person) => person.email === user)?.phone_number ?? '';
}

const searchContacts = defineApi({
  name: 'search_contacts',
  description:
    'Search your contacts by name, email or phone number, optionally by relationship. Sorted by name. Paginated.',
  requiresAuth: true,
  params: {
    query: optional(
      param.string('Text to look for in the full name, email or phone number; empty matches all.'),
      '',
    ),
    relationship: nullable(relationship),
    ...pageParams,
  },
  response: [CONTACT],
  handler: ({ state, user }, args) => {
    const matches = state.tables.phone_contacts.filter(
      (contact) =>
        contact.owner === user &&
        (args.relationship === null || contact.relationship === args.relationship) &&
        [`${contact.first_name} ${contact.last_name}`, contact.email ?? '', contact.phone_number ?? ''].some(
          (field) => includesText(field, args.query),
        ),
    );
    const sorted = sortBy(matches, 'name', (contact) => `${contact.first_name} ${contact.last_name}`);
    return paginate(sorted, args).map(view);
  },
});

const showContact = defineApi({
  name: 'show_contact',
  description: 'Show one contact.',
  requiresAuth: true,
  params: { contact_id: contactId },
  response: CONTACT,
  handler: ({ state, user }, { contact_id }) =>
    view(findOwned(state.tables.phone_contacts, contact_id, user, 'contact')),
});

const addContact = defineApi({
  name: 'add_contact',
  description: 'Add a contact.',
  requiresAuth: true,
  params: {
    first_name: param.string('First name.', { minLength: 1, maxLength: 60 }),
    last_name: optional(param.string('Last name.', { maxLength: 60 }), ''),
    email: nullable(param.string('Email address.', { format: 'email' })),
    phone_number: nullable(phoneNumber('Phone number.')),
    relationship: optional(relationship, 'other'),
    birthday: nullable(birthday),
  },
  response: { message: 'string', contact_id: 'integer' },
  handler: ({ state, user }, args) => {
    const contact = insert(state, 'phone_contacts', { owner: user, ...args });
    return { message: 'Contact added.', contact_id: contact.id };
  },
});

const updateContact = defineApi({
  name: 'update_contact',
  description: 'Change fields of a contact; fields left out stay as they are.',
  requiresAuth: true,
  params: {
    contact_id: contactId,
    first_name: nullable(param.string('New first name.', { minLength: 1, maxLength: 60 })),
    last_name: nullable(param.string('New last name.', { maxLength: 60 })),
    email: nullable(param.string('New email address.', { format: 'email' })),
    phone_number: nullable(phoneNumber('New phone number.')),
    relationship: nullable(relationship),
    birthday: nullable(birthday),
  },
  response: { message: 'string' },
  handler: ({ state, user }, { contact_id, ...changes }) => {
    const contact = findOwned(state.tables.phone_contacts, contact_id, user, 'contact');
    if (changes.first_name !== null) contact.first_name = changes.first_name;
    if (changes.last_name !== null) contact.last_name = changes.last_name;
    if (changes.email !== null) contact.email = changes.email;
    if (changes.phone_number !== null) contact.phone_number = changes.phone_number;
    if (changes.relationship !== null) contact.relationship = changes.relationship;
    if (changes.birthday !== null) contact.birthday = changes.birthday;
    return { message: 'Contact updated.' };
  },
});

const deleteContact = defineApi({
  name: 'delete_contact',
  description: 'Delete a contact.',
  requiresAuth: true,
  params: { contact_id: contactId },
  response: { message: 'string' },
  handler: ({ state, user }, { contact_id }) => {
    const contact = findOwned(state.tables.phone_contacts, contact_id, user, 'contact');
    state.tables.phone_contacts = state.tables.phone_contacts.filter((row) => row !== contact);
    return { message: 'Contact deleted.' };
  },
});

const TEXT = {
  text_message_id: 'integer',
  sender: 'string',
  receiver: 'string',
  message: 'string',
  sent_at: 'string',
} as const;

const showTextMessages = defineApi({
  name: 'show_text_messages',
  description:
    'List text messages you sent or received, newest first; sender and receiver are phone numbers. Paginated.',
  requiresAuth: true,
  params: {
    phone_number: nullable(phoneNumber('Only messages with this phone number.')),
    query: optional(param.string('Text to look for in the message; empty matches all.'), ''),
    ...pageParams,
  },
  response: [TEXT],
  handler: ({ state, user }, args) => {
    const mine = phoneOf(state, user);
    const matches = state.tables.phone_messages.filter(
      (text) =>
        (text.sender === mine || text.receiver === mine) &&
        (args.phone_number === null ||
          text.sender === args.phone_number ||
          text.receiver === args.phone_number) &&
        includesText(text.message, args.query),
    );
    return paginate(
      sortBy(matches, '-sent_at', (text) => text.sent_at),
      args,
    ).map((text) => ({
      text_message_id: text.id,
      sender: text.sender,
      receiver: text.receiver,
      message: text.message,
      sent_at: text.sent_at,
    }));
  },
});

const sendTextMessage = defineApi({
  name: 'send_text_message',
  description: 'Send a text message to a phone number.',
  requiresAuth: true,
  params: {
    phone_number: phoneNumber('Phone number to text.'),
    message: param.string('Text of the message.', { minLength: 1, maxLength: 1000 }),
  },
  response: { message: 'string', text_message_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    const text = insert(state, 'phone_messages', {
      sender: phoneOf(state, user),
      receiver: args.phone_number,
      message: args.message,
      sent_at: now,
    });
    return { message: 'Text message sent.', text_message_id: text.id };
  },
});

export const phoneApp = defineApp('phone', 'A phone: your contacts and text messages.', [
  loginApi('phone'),
  logoutApi('phone'),
  searchContacts,
  showContact,
  addContact,
  updateContact,
  deleteContact,
  showTextMessages,
  sendTextMessage,
]);
