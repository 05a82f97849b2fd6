import { answerIs, contains, merge, rowRemoved, rowUpdated } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import { pastTime } from '../seed/util.ts';
import { type Email, insert, type WorldState } from '../state.ts';
import { addMinutes } from '../time.ts';
import { emailsDelivered } from './expect.ts';
import { contactsOf, fullName, inboxOf, relationshipWord } from './lookup.ts';
import { collect, findContact, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

/** An email in the supervisor's inbox. */
export function plantEmail(
  state: WorldState,
  rng: Rng,
  email: { sender: string; subject: string; body: string; read?: boolean; sent_at?: string },
): Email {
  return insert(state, 'mail_emails', {
    owner: state.meta.supervisor,
    folder: 'inbox',
    recipients: [state.meta.supervisor],
    read: false,
    sent_at: pastTime(rng, state.meta.now, 20),
    ...email,
  });
}

const MESSAGES = [
  { subject: 'Saturday plans', body: 'Want to go hiking on Saturday morning?' },
  { subject: 'Borrowed book', body: 'I will bring your book back on Monday. Thanks for lending it!' },
  { subject: 'Dinner reservation', body: 'I booked a table for four at 7pm on Friday.' },
];

const send = defineScenario({
  name: 'mail_send',
  split: 'dev',
  difficulty: 1,
  apps: ['mail'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const to = rng.pick(contactsOf(state)).email ?? '';
    const message = forVariant(MESSAGES, variant);
    return {
      instruction: `Email ${to} with the subject "${message.subject}" and the message "${message.body}".`,
      solution: python`
        ${login('mail')}
        apis.mail.send_email(access_token=mail_token, recipients=[${py(to)}], subject=${py(message.subject)}, body=${py(message.body)})
        apis.supervisor.complete_task()
      `,
      expect: emailsDelivered(
        state.meta.supervisor,
        [to],
        { folder: 'inbox', ...message },
        'the email was sent',
      ),
    };
  },
});

const latestSubject = defineScenario({
  name: 'mail_latest_subject',
  split: 'test',
  difficulty: 1,
  apps: ['mail'],
  variants: 3,
  build: ({ state, rng }) => {
    const known = new Set(contactsOf(state).map((c) => c.email));
    const sender = rng.pick(inboxOf(state).filter((e) => known.has(e.sender))).sender;
    const fromSender = inboxOf(state)
      .filter((e) => e.sender === sender)
      .sort((a, b) => b.sent_at.localeCompare(a.sent_at));
    const latest = fromSender[0] as Email;
    const runnerUp = fromSender[1];
    if (runnerUp && runnerUp.sent_at === latest.sent_at) latest.sent_at = addMinutes(latest.sent_at, 1);
    return {
      instruction: `What is the subject of the most recent email I received from ${sender}?`,
      solution: python`
        ${login('mail')}
        emails = apis.mail.show_inbox(access_token=mail_token, sender=${py(sender)})
        apis.supervisor.complete_task(answer=emails[0]["subject"])
      `,
      expect: answerIs(latest.subject),
    };
  },
});

const markRead = defineScenario({
  name: 'mail_mark_read',
  split: 'test',
  difficulty: 1,
  apps: ['mail'],
  variants: 3,
  build: ({ state, rng }) => {
    const sender = rng.pick(contactsOf(state)).email ?? '';
    const subjects = rng.sample(['Quick favour', 'Photos', 'Checking in', 'Weekend?'], rng.int(1, 3));
    for (const subject of subjects)
      plantEmail(state, rng, { sender, subject, body: 'Let me know what you think.' });
    const unread = inboxOf(state).filter((e) => e.sender === sender && !e.read);
    return {
      instruction: `Mark all the unread emails from ${sender} in my inbox as read.`,
      solution: python`
        ${login('mail')}
        ${collect('emails', 'mail', 'show_inbox', `access_token=mail_token, sender=${py(sender)}, unread=True`)}
        for item in emails:
            apis.mail.mark_email_read(access_token=mail_token, email_id=item["email_id"])
        apis.supervisor.complete_task()
      `,
      expect: merge(
        ...unread.map((e) => rowUpdated('mail_emails', e.id, { read: true }, 'the email is read')),
      ),
    };
  },
});

const unreadCount = defineScenario({
  name: 'mail_unread_count',
  split: 'dev',
  difficulty: 2,
  apps: ['mail'],
  variants: 3,
  build: ({ state, rng }) => {
    const target = rng.int(7, 12);
    for (const email of rng.shuffle(inboxOf(state))) {
      if (inboxOf(state).filter((e) => !e.read).length >= target) break;
      email.read = false;
    }
    return {
      instruction: 'How many unread emails do I have in my inbox?',
      solution: python`
        ${login('mail')}
        ${collect('unread', 'mail', 'show_inbox', 'access_token=mail_token, unread=True')}
        apis.supervisor.complete_task(answer=len(unread))
      `,
      expect: answerIs(inboxOf(state).filter((e) => !e.read).length),
    };
  },
});

const FORWARDS = [
  { subject: 'Concert tickets for Friday', body: 'I have two spare tickets for Friday at 8pm, row F.' },
  { subject: 'Spare room listing', body: 'The spare room is available from next month, 450 a month.' },
  { subject: 'Hiking route for Sunday', body: 'Start at the north car park, 12 km loop, bring water.' },
];

const forward = defineScenario({
  name: 'mail_forward',
  split: 'test',
  difficulty: 2,
  apps: ['phone', 'mail'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const [from, to] = rng.sample(contactsOf(state), 2);
    if (!from || !to) throw new Error('too few contacts');
    const message = forVariant(FORWARDS, variant);
    plantEmail(state, rng, { sender: from.email ?? '', ...message });
    return {
      instruction: `Forward the email "${message.subject}" that ${from.email} sent me to my ${relationshipWord(to.relationship)} ${fullName(to)}.`,
      solution: python`
        ${login('phone', 'mail')}
        ${findContact('contact', fullName(to))}
        found = apis.mail.show_inbox(access_token=mail_token, query=${py(message.subject)}, sender=${py(from.email)})
        apis.mail.forward_email(access_token=mail_token, email_id=found[0]["email_id"], recipients=[contact["email"]])
        apis.supervisor.complete_task()
      `,
      expect: emailsDelivered(
        state.meta.supervisor,
        [to.email ?? ''],
        { subject: contains(message.subject), body: contains(message.body) },
        'the email was forwarded',
      ),
    };
  },
});

const NEWSLETTERS = [
  { sender: 'news@dailyfold.com', subject: 'Your morning briefing', body: 'Top stories today.' },
  { sender: 'offers@brightmart.com', subject: 'Deals of the week', body: 'Fresh savings in store.' },
  { sender: 'no-reply@parcelhub.com', subject: 'Delivery update', body: 'Your parcel has moved.' },
];

const deleteFromSender = defineScenario({
  name: 'mail_delete_from_sender',
  split: 'test',
  difficulty: 2,
  apps: ['mail'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const newsletter = forVariant(NEWSLETTERS, variant);
    for (let i = rng.int(5, 8); i > 0; i--) plantEmail(state, rng, { ...newsletter, read: rng.chance(0.5) });
    const doomed = inboxOf(state).filter((e) => e.sender === newsletter.sender);
    return {
      instruction: `Delete every email in my inbox from ${newsletter.sender}.`,
      solution: python`
        ${login('mail')}
        ${collect('emails', 'mail', 'show_inbox', `access_token=mail_token, sender=${py(newsletter.sender)}`)}
        for item in emails:
            apis.mail.delete_email(access_token=mail_token, email_id=item["email_id"])
        apis.supervisor.complete_task()
      `,
      expect: merge(...doomed.map((e) => rowRemoved('mail_emails', e.id, 'the email was deleted'))),
    };
  },
});

export const mailScenarios = [send, latestSubject, markRead, unreadCount, forward, deleteFromSender];
