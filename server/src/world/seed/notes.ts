import type { Rng } from '../random.ts';
import { insert, type WorldState } from '../state.ts';
import { longDate } from '../time.ts';
import { CITIES } from './names.ts';
import { dayAround, pastTime } from './util.ts';

interface NoteSeed {
  title: string;
  content: string;
  tags: string[];
  /** A day for notes whose title names one. */
  day?: string;
}

export const GROCERIES = [
  'milk',
  'eggs',
  'sourdough bread',
  'spinach',
  'apples',
  'coffee beans',
  'oat yogurt',
  'lemons',
  'rice',
  'cheddar',
  'tomatoes',
  'basil',
];
const DISHES = [
  'Lentil Soup',
  'Lemon Pasta',
  'Banana Bread',
  'Chickpea Curry',
  'Mushroom Risotto',
  'Shakshuka',
  'Apple Crumble',
];
const BOOKS = [
  'The Lighthouse Ledger',
  'A Map of Small Hours',
  'Salt and Cedar',
  'The Glass Orchard',
  'Northbound',
  'Letters from the Delta',
  'The Quiet Engine',
];
const PACKING = [
  'passport',
  'phone charger',
  'sunscreen',
  'rain jacket',
  'hiking boots',
  'travel adapter',
  'toothbrush',
  'camera',
];

export function checklist(rng: Rng, items: readonly string[]): string {
  return items.map((item) => `- [${rng.chance(0.35) ? 'x' : ' '}] ${item}`).join('\n');
}

function noteSeeds(rng: Rng, now: string): NoteSeed[] {
  const notes: NoteSeed[] = [
    { title: 'Grocery list', content: checklist(rng, rng.sample(GROCERIES, 7)), tags: ['personal'] },
    {
      title: 'Home Wi-Fi',
      content: `Network: ${rng.pick(['Maple', 'Birch', 'Juniper', 'Comet'])}-${rng.int(100, 999)}\nPassword: ${rng.pick(['sunny', 'cobalt', 'harbor', 'meadow'])}${rng.int(1000, 9999)}`,
      tags: ['personal'],
    },
    {
      title: 'Books to read',
      content: rng
        .sample(BOOKS, 4)
        .map((book) => `- ${book}`)
        .join('\n'),
      tags: ['ideas'],
    },
    {
      title: 'Workout plan',
      content: 'Mon: run 5k\nWed: strength\nFri: swim 1k\nSun: long walk',
      tags: ['health'],
    },
    {
      title: `Packing list for ${rng.pick(CITIES)}`,
      content: checklist(rng, rng.sample(PACKING, 6)),
      tags: ['travel'],
    },
  ];
  for (const dish of rng.sample(DISHES, 3)) {
    notes.push({
      title: `Recipe: ${dish}`,
      content: `Serves ${rng.int(2, 6)}.\nPrep time: ${rng.int(2, 9) * 5} minutes.\nSteps: prepare, cook, serve warm.`,
      tags: ['recipe'],
    });
  }
  for (let i = 0; i < 3; i++) {
    const day = dayAround(rng, now, -60, -1);
    notes.push({
      title: `Meeting notes ${longDate(day)}`,
      content: `Attendees: team\nDecisions: ${rng.pick(['ship the beta', 'hire a designer', 'move the launch', 'cut scope'])}\nFollow-up: ${rng.pick(['send summary', 'update roadmap', 'book review'])}`,
      tags: ['work'],
    });
  }
  for (let i = 0; i < 2; i++) {
    const day = dayAround(rng, now, -90, -1);
    notes.push({
      day,
      title: `Journal ${longDate(day)}`,
      content: rng.pick([
        'Long walk by the water.',
        'Finally fixed the bike.',
        'Quiet day, read a lot.',
        'Cooked for friends.',
      ]),
      tags: ['journal', 'personal'],
    });
  }
  notes.push({
    title: 'Monthly budget',
    content: `Rent: $${rng.int(9, 20) * 100}\nGroceries: $${rng.int(25, 60) * 10}\nTransport: $${rng.int(5, 20) * 10}`,
    tags: ['finance'],
  });
  return notes;
}

export function seedNotes(state: WorldState, rng: Rng): void {
  const owner = state.meta.supervisor;
  for (const { day, ...seed } of rng.shuffle(noteSeeds(rng, state.meta.now))) {
    const created = day ? `${day}T21:${rng.int(10, 59)}:00` : pastTime(rng, state.meta.now, 120);
    const updated = rng.chance(0.5) ? created : pastTime(rng, state.meta.now, 10);
    insert(state, 'notes', {
      owner,
      ...seed,
      pinned: rng.chance(0.15),
      created_at: created,
      updated_at: updated.localeCompare(created) < 0 ? created : updated,
    });
  }
}
