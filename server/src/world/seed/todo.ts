import type { Rng } from '../random.ts';
import { insert, type WorldState } from '../state.ts';
import { dayAround, pastTime } from './util.ts';

export const PROJECT_TASKS: Record<string, readonly string[]> = {
  Home: [
    'Fix the leaking tap',
    'Replace hallway bulb',
    'Clean the gutters',
    'Paint the fence',
    'Descale the kettle',
    'Sort the garage',
    'Oil the door hinges',
    'Vacuum the car',
  ],
  Work: [
    'Draft the quarterly report',
    'Review pull requests',
    'Prepare slides for Monday',
    'Update the roadmap',
    'Book the team offsite',
    'Write onboarding notes',
    'Reply to vendor quotes',
    'Plan the sprint',
  ],
  Errands: [
    'Pick up dry cleaning',
    'Return library books',
    'Buy a birthday card',
    'Renew car insurance',
    'Post the parcel',
    'Get a haircut',
    'Drop off recycling',
    'Refill prescriptions',
  ],
  Fitness: [
    'Run 5k',
    'Book a yoga class',
    'Buy new running shoes',
    'Stretch for 20 minutes',
    'Swim 20 laps',
    'Plan next week meals',
    'Cycle to work',
    'Try the climbing gym',
  ],
  Garden: [
    'Plant tulip bulbs',
    'Mow the lawn',
    'Prune the roses',
    'Water the herbs',
    'Turn the compost',
    'Fix the trellis',
    'Order seeds',
    'Rake the leaves',
  ],
};

export function seedTodo(state: WorldState, rng: Rng): void {
  const owner = state.meta.supervisor;
  const names = rng.sample(Object.keys(PROJECT_TASKS), 4);
  for (const name of names) {
    const project = insert(state, 'todo_projects', {
      owner,
      name,
      created_at: pastTime(rng, state.meta.now, 200),
    });
    for (const title of rng.sample(PROJECT_TASKS[name] ?? [], rng.int(5, 7))) {
      const created = pastTime(rng, state.meta.now, 30);
      insert(state, 'todo_tasks', {
        owner,
        project_id: project.id,
        title,
        description: '',
        due_date: rng.chance(0.85) ? dayAround(rng, state.meta.now, -20, 25) : null,
        priority: rng.int(1, 4),
        completed: rng.chance(0.3),
        created_at: created,
        updated_at: created,
      });
    }
  }
}
