import { contains, merge, rowsAdded } from '../eval/expectations.ts';
import { PAYMENT_REASONS } from '../seed/wallet.ts';
import { addDays } from '../time.ts';
import { emailsDelivered, paymentsMade, requestsResolved } from './expect.ts';
import { contactsOf, fullName, personByEmail, round2, strangers } from './lookup.ts';
import { plantEmail } from './mail.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';
import { friendlyAmount, plantRequest } from './wallet.ts';

/** Several apps, aggregation and writes: tasks about the people in the supervisor's life. */

const splitBill = defineScenario({
  name: 'split_bill_family',
  split: 'dev',
  difficulty: 3,
  apps: ['phone', 'wallet'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const event = forVariant(['anniversary dinner', 'cabin weekend', 'concert tickets'], variant);
    const family = contactsOf(state).filter((c) => c.relationship === 'family');
    const share = friendlyAmount(rng, 12, 45);
    const total = round2(share * (family.length + 1));
    return {
      instruction: `I paid $${total.toFixed(2)} for the ${event}, split equally between me and each family member in my contacts. Send each of them a payment request for their share on the wallet app, with the description "${event}".`,
      solution: python`
        ${login('phone', 'wallet')}
        ${collect('family', 'phone', 'search_contacts', 'access_token=phone_token, relationship="family"')}
        share = round(${total} / (len(family) + 1), 2)
        for member in family:
            apis.wallet.create_payment_request(access_token=wallet_token, user_email=member["email"], amount=share, description=${py(event)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'wallet_requests',
        family.map((c) => ({
          requester: state.meta.supervisor,
          payer: c.email,
          amount: share,
          description: event,
          status: 'pending',
        })),
        'each family member was asked for their share',
      ),
    };
  },
});

const payBack = defineScenario({
  name: 'mail_pay_back',
  split: 'test',
  difficulty: 3,
  apps: ['mail', 'wallet'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const reason = forVariant(['the lake cabin', 'the museum trip', 'the team lunch'], variant);
    const people = rng.sample(contactsOf(state), 4);
    const askers = people.slice(0, rng.int(2, 3));
    const payments = askers.map((contact) => {
      const amount = friendlyAmount(rng, 12, 80);
      plantEmail(state, rng, {
        sender: contact.email ?? '',
        subject: `Money for ${reason}`,
        body: `Hi! Could you send me $${amount.toFixed(2)} for ${reason} when you get a chance? Thanks, ${contact.first_name}`,
      });
      return { receiver: contact.email ?? '', amount };
    });
    const generous = people[3];
    if (generous) {
      plantEmail(state, rng, {
        sender: generous.email ?? '',
        subject: `About ${reason}`,
        body: `No need to pay me back for ${reason}, it is on me! ${generous.first_name}`,
      });
    }
    return {
      instruction: `Some friends emailed me asking to be paid back for ${reason}. Pay each of them the amount they asked for on the wallet app.`,
      solution: python`
        import re
        ${login('mail', 'wallet')}
        ${collect('emails', 'mail', 'show_inbox', `access_token=mail_token, query=${py(reason)}`)}
        for item in emails:
            body = apis.mail.show_email(access_token=mail_token, email_id=item["email_id"])["body"]
            match = re.search(r"\$(\d+(?:\.\d+)?)", body)
            if match:
                apis.wallet.send_money(access_token=wallet_token, receiver_email=item["sender"], amount=float(match.group(1)), description=${py(reason)})
        apis.supervisor.complete_task()
      `,
      expect: paymentsMade(state.meta.supervisor, payments, 'each friend was paid back'),
    };
  },
});

const birthdayEmails = defineScenario({
  name: 'birthday_emails',
  split: 'test',
  difficulty: 3,
  apps: ['phone', 'mail'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const monthDay = today.slice(5);
    const contacts = rng.shuffle(contactsOf(state));
    const celebrants = contacts.slice(0, 2);
    for (const contact of contacts) {
      const birthday = contact.birthday ?? '1990-01-01';
      let next = birthday;
      if (celebrants.includes(contact)) next = `${birthday.slice(0, 4)}-${monthDay}`;
      else if (birthday.slice(5) === monthDay) next = `${birthday.slice(0, 4)}-${addDays(today, 3).slice(5)}`;
      contact.birthday = next;
      personByEmail(state, contact.email ?? '').birthday = next;
    }
    return {
      instruction:
        'Some of my contacts have their birthday today. Email each of them "Happy birthday, <first name>!" with the subject "Happy birthday!".',
      solution: python`
        ${login('phone', 'mail')}
        ${collect('contacts', 'phone', 'search_contacts', 'access_token=phone_token')}
        for contact in contacts:
            if contact["birthday"] and contact["birthday"][5:] == ${py(monthDay)}:
                apis.mail.send_email(access_token=mail_token, recipients=[contact["email"]], subject="Happy birthday!", body="Happy birthday, " + contact["first_name"] + "!")
        apis.supervisor.complete_task()
      `,
      expect: merge(
        ...celebrants.map((c) =>
          emailsDelivered(
            state.meta.supervisor,
            [c.email ?? ''],
            { subject: 'Happy birthday!', body: contains(`Happy birthday, ${c.first_name}`) },
            'the birthday email was sent',
          ),
        ),
      ),
    };
  },
});

const sortRequests = defineScenario({
  name: 'sort_payment_requests',
  split: 'test',
  difficulty: 3,
  apps: ['phone', 'wallet'],
  variants: 3,
  build: ({ state, rng }) => {
    const contacts = contactsOf(state);
    const family = contacts.filter((c) => c.relationship === 'family');
    const friends = contacts.filter((c) => c.relationship !== 'family');
    for (const person of rng.sample(strangers(state), rng.int(2, 3))) {
      plantRequest(state, rng, person.email, friendlyAmount(rng, 10, 70), rng.pick(PAYMENT_REASONS));
    }
    for (const c of rng.sample(family, rng.int(1, 2))) {
      plantRequest(state, rng, c.email ?? '', friendlyAmount(rng, 10, 70), rng.pick(PAYMENT_REASONS));
    }
    for (const c of rng.sample(friends, 2)) {
      plantRequest(state, rng, c.email ?? '', friendlyAmount(rng, 10, 70), rng.pick(PAYMENT_REASONS));
    }
    const known = new Set(contacts.map((c) => c.email));
    const familyEmails = new Set(family.map((c) => c.email));
    const pending = state.tables.wallet_requests.filter(
      (r) => r.payer === state.meta.supervisor && r.status === 'pending',
    );
    return {
      instruction:
        'Go through the pending payment requests I received on the wallet app: decline those from people who are not in my phone contacts, approve those from family members in my contacts, and leave the rest as they are.',
      solution: python`
        ${login('phone', 'wallet')}
        ${collect('contacts', 'phone', 'search_contacts', 'access_token=phone_token')}
        known = {c["email"] for c in contacts}
        family = {c["email"] for c in contacts if c["relationship"] == "family"}
        ${collect('requests', 'wallet', 'show_payment_requests', 'access_token=wallet_token, status="pending"')}
        for request in requests:
            if request["requester_email"] not in known:
                apis.wallet.decline_payment_request(access_token=wallet_token, payment_request_id=request["payment_request_id"])
            elif request["requester_email"] in family:
                apis.wallet.approve_payment_request(access_token=wallet_token, payment_request_id=request["payment_request_id"])
        apis.supervisor.complete_task()
      `,
      expect: requestsResolved(
        state,
        pending.filter((r) => familyEmails.has(r.requester)).map((r) => r.id),
        pending.filter((r) => !known.has(r.requester)).map((r) => r.id),
      ),
    };
  },
});

const eventContacts = defineScenario({
  name: 'event_contacts',
  split: 'dev',
  difficulty: 3,
  apps: ['mail', 'phone'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const event = forVariant(['Design Summit', 'Harbor Marathon', 'Book Fair'], variant);
    const newcomers = rng.sample(strangers(state), rng.int(2, 3));
    const subjects = [`Meeting at the ${event}`, `${event} follow-up`, `Great to meet you at the ${event}`];
    newcomers.forEach((person, i) => {
      plantEmail(state, rng, {
        sender: person.email,
        subject: subjects[i] ?? event,
        body: `It was good to talk at the ${event}. Let us stay in touch.\n\nBest,\n${fullName(person)}`,
      });
    });
    const friend = rng.pick(contactsOf(state));
    plantEmail(state, rng, {
      sender: friend.email ?? '',
      subject: `Are you going to the ${event}?`,
      body: `I might go to the ${event} too.\n\nBest,\n${fullName(friend)}`,
    });
    return {
      instruction: `Several people emailed me about the ${event}. Add each sender who is not in my contacts yet as a coworker, with the name they sign the email with and their email address.`,
      solution: python`
        ${login('mail', 'phone')}
        ${collect('contacts', 'phone', 'search_contacts', 'access_token=phone_token')}
        known = {c["email"] for c in contacts}
        ${collect('emails', 'mail', 'show_inbox', `access_token=mail_token, query=${py(event)}`)}
        for item in emails:
            if item["sender"] in known:
                continue
            body = apis.mail.show_email(access_token=mail_token, email_id=item["email_id"])["body"]
            first, last = body.strip().splitlines()[-1].split(" ", 1)
            apis.phone.add_contact(access_token=phone_token, first_name=first, last_name=last, email=item["sender"], relationship="coworker")
            known.add(item["sender"])
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'phone_contacts',
        newcomers.map((p) => ({
          owner: state.meta.supervisor,
          first_name: p.first_name,
          last_name: p.last_name,
          email: p.email,
          relationship: 'coworker',
        })),
        'each new sender was added as a coworker',
      ),
    };
  },
});

export const peopleScenarios = [splitBill, payBack, birthdayEmails, sortRequests, eventContacts];
