import { answerIs, merge, rowRemoved, rowsAdded, rowUpdated } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import { pastTime } from '../seed/util.ts';
import { insert, type WorldState } from '../state.ts';
import { addDays, longDate } from '../time.ts';
import { notesOf } from './lookup.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

export function plantNote(
  state: WorldState,
  rng: Rng,
  note: { title: string; content: string; tags: string[]; created_at?: string },
) {
  const created = note.created_at ?? pastTime(rng, state.meta.now, 150);
  return insert(state, 'notes', {
    owner: state.meta.supervisor,
    title: note.title,
    content: note.content,
    tags: note.tags,
    pinned: false,
    created_at: created,
    updated_at: created,
  });
}

const pin = defineScenario({
  name: 'notes_pin',
  split: 'dev',
  difficulty: 1,
  apps: ['notes'],
  variants: 3,
  build: ({ state, rng }) => {
    const notes = notesOf(state);
    const unique = notes.filter((n) => !n.pinned && notes.filter((m) => m.title === n.title).length === 1);
    const note = rng.pick(unique);
    return {
      instruction: `Pin my note titled "${note.title}".`,
      solution: python`
        ${login('notes')}
        notes = apis.notes.search_notes(access_token=notes_token, query=${py(note.title)}, page_limit=20)
        note = [n for n in notes if n["title"] == ${py(note.title)}][0]
        apis.notes.update_note(access_token=notes_token, note_id=note["note_id"], pinned=True)
        apis.supervisor.complete_task()
      `,
      expect: rowUpdated('notes', note.id, { pinned: true }, 'the note is pinned'),
    };
  },
});

const wifi = defineScenario({
  name: 'notes_wifi_details',
  split: 'test',
  difficulty: 1,
  apps: ['notes'],
  variants: 3,
  build: ({ state, variant }) => {
    const note = notesOf(state).find((n) => n.title === 'Home Wi-Fi');
    if (!note) throw new Error('the Wi-Fi note is missing');
    const field = variant % 2 === 1 ? 'Password' : 'Network';
    const value =
      note.content
        .split('\n')
        .find((line) => line.startsWith(`${field}:`))
        ?.split(': ')[1] ?? '';
    return {
      instruction:
        field === 'Password'
          ? 'What is the password of my home Wi-Fi? I wrote it down in my notes.'
          : 'What is the name of my home Wi-Fi network? It is in one of my notes.',
      solution: python`
        ${login('notes')}
        found = apis.notes.search_notes(access_token=notes_token, query="Wi-Fi")
        note = apis.notes.show_note(access_token=notes_token, note_id=found[0]["note_id"])
        for line in note["content"].splitlines():
            if line.startswith(${py(`${field}:`)}):
                answer = line.split(":", 1)[1].strip()
        apis.supervisor.complete_task(answer=answer)
      `,
      expect: answerIs(value),
    };
  },
});

const NEW_NOTES = [
  {
    title: 'Plumber contact',
    content: 'Call the plumber on weekdays after 9am.',
    tags: ['home', 'personal'],
  },
  {
    title: 'Podcast ideas',
    content: 'An episode on local bakeries; interview a beekeeper.',
    tags: ['ideas'],
  },
  {
    title: 'Conference takeaways',
    content: 'Ship smaller releases. Measure before optimising.',
    tags: ['work', 'ideas'],
  },
  {
    title: 'Party plan',
    content: 'Book the hall, order a cake, send the invites.',
    tags: ['personal', 'planning'],
  },
];

const create = defineScenario({
  name: 'notes_create',
  split: 'test',
  difficulty: 1,
  apps: ['notes'],
  variants: 3,
  build: ({ state, variant }) => {
    const note = forVariant(NEW_NOTES, variant);
    const tagText = note.tags.map((tag) => `"${tag}"`).join(' and ');
    return {
      instruction: `Create a note titled "${note.title}" with the text "${note.content}" and tag it ${tagText}.`,
      solution: python`
        ${login('notes')}
        apis.notes.create_note(access_token=notes_token, title=${py(note.title)}, content=${py(note.content)}, tags=${py(note.tags)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'notes',
        [
          {
            owner: state.meta.supervisor,
            title: note.title,
            content: note.content,
            tags: note.tags,
            pinned: false,
          },
        ],
        'the note was created',
      ),
    };
  },
});

export const EXTRA_TITLES: Record<string, string[]> = {
  recipe: [
    'Recipe: Tomato Galette',
    'Recipe: Miso Noodles',
    'Recipe: Berry Pancakes',
    'Recipe: Roast Squash',
    'Recipe: Herb Omelette',
    'Recipe: Pea Fritters',
    'Recipe: Carrot Cake',
  ],
  work: [
    'Project kickoff',
    'Retro notes',
    'Hiring plan',
    'Quarterly goals',
    'Vendor call',
    'Design review',
    'Budget review',
  ],
  health: [
    'Sleep log',
    'Stretching routine',
    'Meal prep ideas',
    'Physio exercises',
    'Step goals',
    'Hydration tracker',
    'Dentist questions',
  ],
};

const countTag = defineScenario({
  name: 'notes_count_tag',
  split: 'dev',
  difficulty: 2,
  apps: ['notes'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const tag = ['recipe', 'work', 'health'][variant - 1] ?? 'recipe';
    for (const title of rng.sample(EXTRA_TITLES[tag] ?? [], rng.int(4, 7))) {
      plantNote(state, rng, { title, content: `Notes on ${title.toLowerCase()}.`, tags: [tag] });
    }
    // Mentions the tag in its text without carrying it, so searching by text over-counts.
    plantNote(state, rng, {
      title: `About ${tag} notes`,
      content: `Everything ${tag} goes under the ${tag} tag.`,
      tags: ['ideas'],
    });
    const count = notesOf(state).filter((n) => n.tags.includes(tag)).length;
    return {
      instruction: `How many of my notes are tagged "${tag}"?`,
      solution: python`
        ${login('notes')}
        ${collect('notes', 'notes', 'search_notes', `access_token=notes_token, tag=${py(tag)}`)}
        apis.supervisor.complete_task(answer=len(notes))
      `,
      expect: answerIs(count),
    };
  },
});

const deleteOldJournal = defineScenario({
  name: 'notes_delete_old_journal',
  split: 'test',
  difficulty: 2,
  apps: ['notes'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const offsets = rng.sample(
      Array.from({ length: 60 }, (_, i) => (i + 1) * 5),
      rng.int(5, 7),
    );
    for (const days of offsets) {
      const day = addDays(today, -days);
      plantNote(state, rng, {
        title: `Journal ${longDate(day)}`,
        content: rng.pick([
          'Walked to the market.',
          'Rainy, stayed in and read.',
          'Dinner with old friends.',
          'Long bike ride.',
        ]),
        tags: ['journal', 'personal'],
        created_at: `${day}T21:${String(rng.int(10, 59))}:00`,
      });
    }
    const journal = notesOf(state).filter((n) => n.tags.includes('journal'));
    const days = [...new Set(journal.map((n) => n.created_at.slice(0, 10)))].sort();
    // The cutoff is the day after some note's day and no note's own day, so "before" has one reading.
    let index = Math.min(days.length - 2, rng.int(2, 4));
    while (index < days.length - 1 && days.includes(addDays(days[index] ?? today, 1))) index++;
    const cutoff = addDays(days[index] ?? today, 1);
    const old = journal.filter((n) => n.created_at.slice(0, 10) < cutoff);
    return {
      instruction: `Delete my journal notes (the ones tagged "journal") that were created before ${longDate(cutoff)}. Keep the rest.`,
      solution: python`
        ${login('notes')}
        ${collect('notes', 'notes', 'search_notes', 'access_token=notes_token, tag="journal"')}
        for note in notes:
            if note["created_at"][:10] < ${py(cutoff)}:
                apis.notes.delete_note(access_token=notes_token, note_id=note["note_id"])
        apis.supervisor.complete_task()
      `,
      expect: merge(...old.map((n) => rowRemoved('notes', n.id, 'the old journal note was deleted'))),
    };
  },
});

export const notesScenarios = [pin, wifi, create, countTag, deleteOldJournal];
