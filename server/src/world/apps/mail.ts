import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { findOwned, unprocessable } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { includesText, sortBy } from '../api/sort.ts';
import { type Email, insert, type WorldState } from '../state.ts';

const emailId = param.integer('Id of the email.', { min: 1 });
const recipients = param.strings('Email addresses to send to.', {
  minLength: 1,
  maxLength: 20,
  format: 'email',
});

/** Stores the sent copy and one inbox copy per recipient; returns the sent copy. */
function deliver(
  state: WorldState,
  from: string,
  to: string[],
  subject: string,
  body: string,
  now: string,
): Email {
  const unknown = to.filter(
    (address) => !state.tables.accounts.some((a) => a.app === 'mail' && a.email === address),
  );
  if (unknown.length > 0) throw unprocessable(`No mail account exists for ${unknown.join(', ')}.`);
  const unique = [...new Set(to)];
  const sent = insert(state, 'mail_emails', {
    owner: from,
    folder: 'sent',
    sender: from,
    recipients: unique,
    subject,
    body,
    read: true,
    sent_at: now,
  });
  for (const address of unique) {
    insert(state, 'mail_emails', {
      owner: address,
      folder: 'inbox',
      sender: from,
      recipients: unique,
      subject,
      body,
      read: false,
      sent_at: now,
    });
  }
  return sent;
}

const EMAIL_FULL = {
  email_id: 'integer',
  folder: 'string',
  sender: 'string',
  recipients: ['string'],
  subject: 'string',
  body: 'string',
  sent_at: 'string',
  read: 'boolean',
} as const;

function fullView(email: Email) {
  return {
    email_id: email.id,
    folder: email.folder,
    sender: email.sender,
    recipients: email.recipients,
    subject: email.subject,
    body: email.body,
    sent_at: email.sent_at,
    read: email.read,
  };
}

const showInbox = defineApi({
  name: 'show_inbox',
  description: 'List emails you received, newest first. Filter by text, sender or read state. Paginated.',
  requiresAuth: true,
  params: {
    query: optional(param.string('Text to look for in the subject or body; empty matches all.'), ''),
    sender: nullable(param.string('Only emails from this address.', { format: 'email' })),
    unread: nullable(param.boolean('Only unread (True) or read (False) emails.')),
    ...pageParams,
  },
  response: [
    { email_id: 'integer', sender: 'string', subject: 'string', sent_at: 'string', read: 'boolean' },
  ],
  handler: ({ state, user }, args) => {
    const matches = state.tables.mail_emails.filter(
      (email) =>
        email.owner === user &&
        email.folder === 'inbox' &&
        (includesText(email.subject, args.query) || includesText(email.body, args.query)) &&
        (args.sender === null || email.sender === args.sender) &&
        (args.unread === null || email.read === !args.unread),
    );
    return paginate(
      sortBy(matches, '-sent_at', (email) => email.sent_at),
      args,
    ).map((email) => ({
      email_id: email.id,
      sender: email.sender,
      subject: email.subject,
      sent_at: email.sent_at,
      read: email.read,
    }));
  },
});

const showSent = defineApi({
  name: 'show_sent',
  description: 'List emails you sent, newest first. Paginated.',
  requiresAuth: true,
  params: {
    query: optional(param.string('Text to look for in the subject or body; empty matches all.'), ''),
    ...pageParams,
  },
  response: [{ email_id: 'integer', recipients: ['string'], subject: 'string', sent_at: 'string' }],
  handler: ({ state, user }, args) => {
    const matches = state.tables.mail_emails.filter(
      (email) =>
        email.owner === user &&
        email.folder === 'sent' &&
        (includesText(email.subject, args.query) || includesText(email.body, args.query)),
    );
    return paginate(
      sortBy(matches, '-sent_at', (email) => email.sent_at),
      args,
    ).map((email) => ({
      email_id: email.id,
      recipients: email.recipients,
      subject: email.subject,
      sent_at: email.sent_at,
    }));
  },
});

const showEmail = defineApi({
  name: 'show_email',
  description: 'Show one email in full. Reading it does not mark it read.',
  requiresAuth: true,
  params: { email_id: emailId },
  response: EMAIL_FULL,
  handler: ({ state, user }, { email_id }) =>
    fullView(findOwned(state.tables.mail_emails, email_id, user, 'email')),
});

const sendEmail = defineApi({
  name: 'send_email',
  description: 'Send an email.',
  requiresAuth: true,
  params: {
    recipients,
    subject: param.string('Subject line.', { maxLength: 200 }),
    body: param.string('Text of the email.', { maxLength: 20000 }),
  },
  response: { message: 'string', email_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    const sent = deliver(state, user, args.recipients, args.subject, args.body, now);
    return { message: 'Email sent.', email_id: sent.id };
  },
});

const replyToEmail = defineApi({
  name: 'reply_to_email',
  description:
    'Reply to an email: to its sender if you received it, to its recipients if you sent it. The subject gets "Re: ".',
  requiresAuth: true,
  params: { email_id: emailId, body: param.string('Text of the reply.', { maxLength: 20000 }) },
  response: { message: 'string', email_id: 'integer' },
  handler: ({ state, user, now }, { email_id, body }) => {
    const original = findOwned(state.tables.mail_emails, email_id, user, 'email');
    const to = original.folder === 'inbox' ? [original.sender] : original.recipients;
    const subject = original.subject.startsWith('Re: ') ? original.subject : `Re: ${original.subject}`;
    const sent = deliver(state, user, to, subject, body, now);
    return { message: 'Reply sent.', email_id: sent.id };
  },
});

const forwardEmail = defineApi({
  name: 'forward_email',
  description: 'Forward an email to other people, with an optional note above it. The subject gets "Fwd: ".',
  requiresAuth: true,
  params: {
    email_id: emailId,
    recipients,
    body: optional(param.string('A note to put above the forwarded email.', { maxLength: 20000 }), ''),
  },
  response: { message: 'string', email_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    const original = findOwned(state.tables.mail_emails, args.email_id, user, 'email');
    const quoted = `---------- Forwarded message ----------\nFrom: ${original.sender}\nSubject: ${original.subject}\n\n${original.body}`;
    const body = args.body ? `${args.body}\n\n${quoted}` : quoted;
    const sent = deliver(state, user, args.recipients, `Fwd: ${original.subject}`, body, now);
    return { message: 'Email forwarded.', email_id: sent.id };
  },
});

const markEmailRead = defineApi({
  name: 'mark_email_read',
  description: 'Mark an email read, or unread again with read=False.',
  requiresAuth: true,
  params: { email_id: emailId, read: optional(param.boolean('True marks it read, False unread.'), true) },
  response: { message: 'string' },
  handler: ({ state, user }, { email_id, read }) => {
    findOwned(state.tables.mail_emails, email_id, user, 'email').read = read;
    return { message: read ? 'Email marked read.' : 'Email marked unread.' };
  },
});

const deleteEmail = defineApi({
  name: 'delete_email',
  description: 'Delete an email from your mailbox for good.',
  requiresAuth: true,
  params: { email_id: emailId },
  response: { message: 'string' },
  handler: ({ state, user }, { email_id }) => {
    const email = findOwned(state.tables.mail_emails, email_id, user, 'email');
    state.tables.mail_emails = state.tables.mail_emails.filter((row) => row !== email);
    return { message: 'Email deleted.' };
  },
});

export const mailApp = defineApp(
  'mail',
  'An email app: your inbox, sent mail, sending, replying and forwarding.',
  [
    loginApi('mail'),
    logoutApi('mail'),
    showInbox,
    showSent,
    showEmail,
    sendEmail,
    replyToEmail,
    forwardEmail,
    markEmailRead,
    deleteEmail,
  ],
);
