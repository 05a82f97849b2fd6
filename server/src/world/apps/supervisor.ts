import { defineApi, defineApp } from '../api/define.ts';
import { ApiFailure } from '../api/failure.ts';
import { nullable, optional, param } from '../api/params.ts';
import { ACCOUNT_APPS, type Person, type WorldState } from '../state.ts';

export function supervisorPerson(state: WorldState): Person {
  const person = state.tables.people.find((p) => p.email === state.meta.supervisor);
  if (!person) throw new Error('the supervisor is missing from people');
  return person;
}

const showProfile = defineApi({
  name: 'show_profile',
  description: 'Show the profile of the person you are working for (your supervisor).',
  requiresAuth: false,
  params: {},
  response: {
    first_name: 'string',
    last_name: 'string',
    email: 'string',
    phone_number: 'string',
    birthday: 'string',
  },
  handler: ({ state }) => {
    const { first_name, last_name, email, phone_number, birthday } = supervisorPerson(state);
    return { first_name, last_name, email, phone_number, birthday };
  },
});

const showAccountPasswords = defineApi({
  name: 'show_account_passwords',
  description:
    "Show the supervisor's password for each app account. Log in with the supervisor's email as username.",
  requiresAuth: false,
  params: {},
  response: [{ account_name: 'string', password: 'string' }],
  handler: ({ state }) =>
    ACCOUNT_APPS.flatMap((app) => {
      const account = state.tables.accounts.find((a) => a.app === app && a.email === state.meta.supervisor);
      return account ? [{ account_name: app, password: account.password }] : [];
    }),
});

const completeTask = defineApi({
  name: 'complete_task',
  description:
    'Mark the task as done. Pass the answer when the task asks a question; pass status="fail" when it cannot be done.',
  requiresAuth: false,
  params: {
    answer: nullable(
      param.any('The answer to the question in the task, if it asks one (a string or a number).'),
    ),
    status: optional(
      param.choice('Whether the task was done or cannot be done.', ['success', 'fail'] as const),
      'success',
    ),
  },
  response: { message: 'string' },
  handler: ({ state }, { answer, status }) => {
    if (state.meta.completion.completed)
      throw new ApiFailure(422, 'The task has already been marked complete.');
    state.meta.completion = { completed: true, answer, status };
    return { message: `Task marked complete with status "${status}".` };
  },
});

export const supervisorApp = defineApp(
  'supervisor',
  'The person you work for: their profile, their account passwords, and where you mark the task complete.',
  [showProfile, showAccountPasswords, completeTask],
);
