import { supervisorPerson } from '../apps/supervisor.ts';
import type { Rng } from '../random.ts';
import type { Contact, Email, Note, Person, Song, TodoProject, TodoTask, WorldState } from '../state.ts';

/** Read helpers for scenario builders; they see the world the way its owner does. */

export function contactsOf(state: WorldState): Contact[] {
  return state.tables.phone_contacts.filter((contact) => contact.owner === state.meta.supervisor);
}

/** "my family member Ana Lund", "my coworker Bo Kim". */
export function relationshipWord(relationship: string): string {
  return relationship === 'family' ? 'family member' : relationship;
}

export function fullName(person: { first_name: string; last_name: string }): string {
  return `${person.first_name} ${person.last_name}`;
}

export function personByEmail(state: WorldState, email: string): Person {
  const person = state.tables.people.find((p) => p.email === email);
  if (!person) throw new Error(`no person ${email}`);
  return person;
}

/** People the supervisor does not have in their contacts. */
export function strangers(state: WorldState): Person[] {
  const known = new Set(contactsOf(state).map((contact) => contact.email));
  const me = supervisorPerson(state).email;
  return state.tables.people.filter((person) => person.email !== me && !known.has(person.email));
}

export function notesOf(state: WorldState): Note[] {
  return state.tables.notes.filter((note) => note.owner === state.meta.supervisor);
}

export function projectsOf(state: WorldState): TodoProject[] {
  return state.tables.todo_projects.filter((project) => project.owner === state.meta.supervisor);
}

export function todosOf(state: WorldState, projectId?: number): TodoTask[] {
  return state.tables.todo_tasks.filter(
    (task) =>
      task.owner === state.meta.supervisor && (projectId === undefined || task.project_id === projectId),
  );
}

export function inboxOf(state: WorldState): Email[] {
  return state.tables.mail_emails.filter(
    (email) => email.owner === state.meta.supervisor && email.folder === 'inbox',
  );
}

export function artistName(state: WorldState, artistId: number): string {
  return state.tables.music_artists.find((artist) => artist.id === artistId)?.name ?? '';
}

export function songById(state: WorldState, id: number): Song {
  const song = state.tables.music_songs.find((row) => row.id === id);
  if (!song) throw new Error(`no song ${id}`);
  return song;
}

/** A song; titles are unique per artist, so "title by artist" names it without doubt. */
export function pickSong(state: WorldState, rng: Rng, filter: (song: Song) => boolean = () => true): Song {
  return rng.pick(state.tables.music_songs.filter((song) => filter(song)));
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
