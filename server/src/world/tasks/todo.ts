import { answerIs, merge, rowsAdded, rowUpdated } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import { pastTime } from '../seed/util.ts';
import { insert, type TodoTask, type WorldState } from '../state.ts';
import { addDays, longDate } from '../time.ts';
import { projectsOf, todosOf } from './lookup.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

export function plantTodo(
  state: WorldState,
  rng: Rng,
  todo: Pick<TodoTask, 'project_id' | 'title' | 'due_date' | 'priority'> & { completed?: boolean },
): TodoTask {
  const created = pastTime(rng, state.meta.now, 20);
  return insert(state, 'todo_tasks', {
    owner: state.meta.supervisor,
    description: '',
    completed: false,
    ...todo,
    created_at: created,
    updated_at: created,
  });
}

/** Python that sets `project_id` to the id of the project with this name. */
export function findProject(name: string): string {
  return python`
    projects = apis.todo.show_projects(access_token=todo_token, page_limit=20)
    project_id = [p for p in projects if p["name"] == ${py(name)}][0]["project_id"]
  `;
}

const complete = defineScenario({
  name: 'todo_complete',
  split: 'dev',
  difficulty: 1,
  apps: ['todo'],
  variants: 3,
  build: ({ state, rng }) => {
    const todos = todosOf(state);
    const task = rng.pick(
      todos.filter((t) => !t.completed && todos.filter((u) => u.title === t.title).length === 1),
    );
    return {
      instruction: `Mark my to-do "${task.title}" as done.`,
      solution: python`
        ${login('todo')}
        found = apis.todo.search_tasks(access_token=todo_token, query=${py(task.title)}, page_limit=20)
        task = [t for t in found if t["title"] == ${py(task.title)}][0]
        apis.todo.mark_task_completed(access_token=todo_token, task_id=task["task_id"])
        apis.supervisor.complete_task()
      `,
      expect: rowUpdated('todo_tasks', task.id, { completed: true }, 'the to-do is completed'),
    };
  },
});

const NEW_TODOS = [
  'Call the landlord',
  'Book a dentist appointment',
  'Cancel the gym trial',
  'Order new glasses',
  'Back up the laptop',
];

const add = defineScenario({
  name: 'todo_add',
  split: 'test',
  difficulty: 1,
  apps: ['todo'],
  variants: 3,
  build: ({ state, rng, today, variant }) => {
    const project = rng.pick(projectsOf(state));
    const title = forVariant(NEW_TODOS, variant);
    const due = addDays(today, rng.int(2, 20));
    const priority = rng.int(2, 4);
    return {
      instruction: `Add a to-do "${title}" to my ${project.name} project, due on ${longDate(due)}, with priority ${priority}.`,
      solution: python`
        ${login('todo')}
        ${findProject(project.name)}
        apis.todo.create_task(access_token=todo_token, title=${py(title)}, project_id=project_id, due_date=${py(due)}, priority=${priority})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'todo_tasks',
        [
          {
            owner: state.meta.supervisor,
            title,
            project_id: project.id,
            due_date: due,
            priority,
            completed: false,
          },
        ],
        'the to-do was added',
      ),
    };
  },
});

const earliestDue = defineScenario({
  name: 'todo_earliest_due',
  split: 'test',
  difficulty: 1,
  apps: ['todo'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const project = rng.pick(projectsOf(state));
    let open = todosOf(state, project.id).filter((t) => !t.completed && t.due_date !== null);
    if (open.length === 0) {
      plantTodo(state, rng, {
        project_id: project.id,
        title: 'Write the checklist',
        due_date: addDays(today, 3),
        priority: 2,
      });
      open = todosOf(state, project.id).filter((t) => !t.completed && t.due_date !== null);
    }
    const sorted = [...open].sort((a, b) => (a.due_date ?? '').localeCompare(b.due_date ?? ''));
    const first = sorted[0] as TodoTask;
    // Ties would make two answers right; push the others a day later.
    for (const task of sorted.slice(1))
      if (task.due_date === first.due_date) task.due_date = addDays(task.due_date ?? today, 1);
    return {
      instruction: `Which open to-do in my ${project.name} project has the earliest due date? Answer with its title.`,
      solution: python`
        ${login('todo')}
        ${findProject(project.name)}
        found = apis.todo.search_tasks(access_token=todo_token, project_id=project_id, completed=False, sort_by="due_date")
        apis.supervisor.complete_task(answer=found[0]["title"])
      `,
      expect: answerIs(first.title),
    };
  },
});

const overdueCount = defineScenario({
  name: 'todo_overdue_count',
  split: 'dev',
  difficulty: 2,
  apps: ['todo'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const open = rng.shuffle(todosOf(state).filter((t) => !t.completed));
    const target = rng.int(6, 9);
    for (const task of open) {
      if (
        todosOf(state).filter((t) => !t.completed && t.due_date !== null && t.due_date < today).length >=
        target
      )
        break;
      task.due_date = addDays(today, -rng.int(1, 15));
    }
    const count = todosOf(state).filter(
      (t) => !t.completed && t.due_date !== null && t.due_date < today,
    ).length;
    return {
      instruction: 'How many of my open to-dos are overdue, meaning their due date is before today?',
      solution: python`
        ${login('todo')}
        ${collect('todos', 'todo', 'search_tasks', `access_token=todo_token, completed=False, due_before=${py(today)}`)}
        apis.supervisor.complete_task(answer=len([t for t in todos if t["due_date"] < ${py(today)}]))
      `,
      expect: answerIs(count),
    };
  },
});

const raisePriority = defineScenario({
  name: 'todo_raise_priority',
  split: 'test',
  difficulty: 2,
  apps: ['todo'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const project = rng.pick(projectsOf(state));
    const cutoff = addDays(today, 7);
    const extras = ['Check the budget', 'Tidy the shared folder', 'Confirm the booking', 'Send the reminder'];
    for (const title of rng.sample(extras, rng.int(2, 3))) {
      plantTodo(state, rng, {
        project_id: project.id,
        title,
        due_date: addDays(today, rng.int(-3, 6)),
        priority: rng.int(1, 2),
      });
    }
    const targets = todosOf(state, project.id).filter(
      (t) => !t.completed && t.due_date !== null && t.due_date <= cutoff && t.priority !== 4,
    );
    return {
      instruction: `Set the priority of every open to-do in my ${project.name} project that is due on or before ${longDate(cutoff)} to 4 (urgent).`,
      solution: python`
        ${login('todo')}
        ${findProject(project.name)}
        ${collect('todos', 'todo', 'search_tasks', `access_token=todo_token, project_id=project_id, completed=False, due_before=${py(cutoff)}`)}
        for todo in todos:
            if todo["priority"] != 4:
                apis.todo.update_task(access_token=todo_token, task_id=todo["task_id"], priority=4)
        apis.supervisor.complete_task()
      `,
      expect: merge(
        ...targets.map((t) => rowUpdated('todo_tasks', t.id, { priority: 4 }, 'the to-do is urgent')),
      ),
    };
  },
});

export const todoScenarios = [complete, add, earliestDue, overdueCount, raisePriority];
