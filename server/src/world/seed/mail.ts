import type { Rng } from '../random.ts';
import { insert, type Person, type WorldState } from '../state.ts';
import { CONTACT_COUNT } from './phone.ts';
import { pastTime } from './util.ts';

const PERSONAL = [
  {
    subject: 'Lunch next week?',
    body: 'Are you free for lunch next week? Tuesday or Thursday works for me.',
  },
  {
    subject: 'Photos from the weekend',
    body: 'Here are the photos from Saturday. The sunset ones came out great.',
  },
  { subject: 'Book recommendation', body: 'You have to read The Glass Orchard, I could not put it down.' },
  { subject: 'Quick question', body: 'Do you still have the number of that plumber you mentioned?' },
  {
    subject: 'Project update',
    body: 'The first draft is ready for review. Comments by Friday would be great.',
  },
  {
    subject: 'Invitation: garden party',
    body: 'We are hosting a small garden party next month. Hope you can make it!',
  },
  { subject: 'Thank you!', body: 'Thanks so much for your help with the move. Dinner is on me.' },
  { subject: 'Trip planning', body: 'I found a cabin for the long weekend. Want to split it?' },
];

const SERVICES = [
  {
    sender: 'news@dailyfold.com',
    subject: 'Your morning briefing',
    body: 'Top stories today: markets steady, rain expected.',
  },
  {
    sender: 'no-reply@parcelhub.com',
    subject: 'Your parcel is on its way',
    body: 'Your parcel will arrive in 2-3 business days.',
  },
  {
    sender: 'offers@brightmart.com',
    subject: 'Weekend sale: 20% off',
    body: 'Save 20% on everything this weekend only.',
  },
];

export function seedMail(state: WorldState, rng: Rng): void {
  const owner = state.meta.supervisor;
  const people = state.tables.people as [Person, ...Person[]];
  const contacts = people.slice(1, CONTACT_COUNT + 1);
  for (let i = 0; i < 26; i++) {
    const template =
      i % 4 !== 3 ? { sender: rng.pick(contacts).email, ...rng.pick(PERSONAL) } : rng.pick(SERVICES);
    insert(state, 'mail_emails', {
      owner,
      folder: 'inbox',
      sender: template.sender,
      recipients: [owner],
      subject: template.subject,
      body: template.body,
      read: rng.chance(0.6),
      sent_at: pastTime(rng, state.meta.now, 60),
    });
  }
  for (let i = 0; i < 8; i++) {
    const template = rng.pick(PERSONAL);
    insert(state, 'mail_emails', {
      owner,
      folder: 'sent',
      sender: owner,
      recipients: [rng.pick(contacts).email],
      subject: template.subject,
      body: template.body,
      read: true,
      sent_at: pastTime(rng, state.meta.now, 60),
    });
  }
}
