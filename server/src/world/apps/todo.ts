import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { findOwned, unprocessable } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { includesText, sortBy, sortOptions } from '../api/sort.ts';
import { insert, type TodoTask, type WorldState } from '../state.ts';

const TASK_SUMMARY = {
  task_id: 'integer',
  project_id: 'integer | null',
  title: 'string',
  due_date: 'string | null',
  priority: 'integer',
  completed: 'boolean',
} as const;

function summary(task: TodoTask) {
  return {
    task_id: task.id,
    project_id: task.project_id,
    title: task.title,
    due_date: task.due_date,
    priority: task.priority,
    completed: task.completed,
  };
}

function checkProject(state: WorldState, user: string, projectId: number | null): void {
  if (projectId !== null) findOwned(state.tables.todo_projects, projectId, user, 'project');
}

const taskId = param.integer('Id of the to-do.', { min: 1 });
const priority = param.integer('Priority from 1 (low) to 4 (urgent).', { min: 1, max: 4 });
const dueDate = param.string('Due date.', { format: 'date' });

const showProjects = defineApi({
  name: 'show_projects',
  description: 'List your projects (groups of to-dos). Paginated.',
  requiresAuth: true,
  params: { ...pageParams },
  response: [{ project_id: 'integer', name: 'string', created_at: 'string' }],
  handler: ({ state, user }, args) =>
    paginate(
      state.tables.todo_projects.filter((project) => project.owner === user),
      args,
    ).map((project) => ({ project_id: project.id, name: project.name, created_at: project.created_at })),
});

const createProject = defineApi({
  name: 'create_project',
  description: 'Create a project to group to-dos.',
  requiresAuth: true,
  params: {
    name: param.string('Name of the project; unique among your projects.', { minLength: 1, maxLength: 100 }),
  },
  response: { message: 'string', project_id: 'integer' },
  handler: ({ state, user, now }, { name }) => {
    const taken = state.tables.todo_projects.some(
      (project) => project.owner === user && project.name.toLowerCase() === name.toLowerCase(),
    );
    if (taken) throw unprocessable(`A project named '${name}' already exists.`);
    const project = insert(state, 'todo_projects', { owner: user, name, created_at: now });
    return { message: 'Project created.', project_id: project.id };
  },
});

const searchTasks = defineApi({
  name: 'search_tasks',
  description: 'Search your to-dos by text, project, completion, priority or due date. Paginated.',
  requiresAuth: true,
  params: {
    query: optional(param.string('Text to look for in the title or description; empty matches all.'), ''),
    project_id: nullable(param.integer('Only to-dos in this project.', { min: 1 })),
    completed: nullable(param.boolean('Only completed (True) or open (False) to-dos.')),
    priority: nullable(priority),
    due_before: nullable(param.string('Only to-dos due on or before this date.', { format: 'date' })),
    due_after: nullable(param.string('Only to-dos due on or after this date.', { format: 'date' })),
    sort_by: optional(
      param.choice(
        'Order of the results; "-" means descending. To-dos without a due date come last.',
        sortOptions(['due_date', 'priority', 'title', 'created_at']),
      ),
      'due_date',
    ),
    ...pageParams,
  },
  response: [TASK_SUMMARY],
  handler: ({ state, user }, args) => {
    checkProject(state, user, args.project_id);
    const matches = state.tables.todo_tasks.filter(
      (task) =>
        task.owner === user &&
        (includesText(task.title, args.query) || includesText(task.description, args.query)) &&
        (args.project_id === null || task.project_id === args.project_id) &&
        (args.completed === null || task.completed === args.completed) &&
        (args.priority === null || task.priority === args.priority) &&
        (args.due_before === null || (task.due_date !== null && task.due_date <= args.due_before)) &&
        (args.due_after === null || (task.due_date !== null && task.due_date >= args.due_after)),
    );
    const sorted = sortBy(matches, args.sort_by, (task, field) =>
      field === 'priority'
        ? task.priority
        : field === 'title'
          ? task.title
          : field === 'created_at'
            ? task.created_at
            : task.due_date,
    );
    return paginate(sorted, args).map(summary);
  },
});

const showTask = defineApi({
  name: 'show_task',
  description: 'Show one to-do in full.',
  requiresAuth: true,
  params: { task_id: taskId },
  response: { ...TASK_SUMMARY, description: 'string', created_at: 'string', updated_at: 'string' },
  handler: ({ state, user }, { task_id }) => {
    const task = findOwned(state.tables.todo_tasks, task_id, user, 'to-do');
    return {
      ...summary(task),
      description: task.description,
      created_at: task.created_at,
      updated_at: task.updated_at,
    };
  },
});

const createTask = defineApi({
  name: 'create_task',
  description: 'Create a to-do, optionally in a project, with a due date and priority.',
  requiresAuth: true,
  params: {
    title: param.string('Title of the to-do.', { minLength: 1, maxLength: 200 }),
    project_id: nullable(param.integer('Project to put it in; none leaves it in the inbox.', { min: 1 })),
    description: optional(param.string('Longer description.', { maxLength: 5000 }), ''),
    due_date: nullable(dueDate),
    priority: optional(priority, 1),
  },
  response: { message: 'string', task_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    checkProject(state, user, args.project_id);
    const task = insert(state, 'todo_tasks', {
      owner: user,
      project_id: args.project_id,
      title: args.title,
      description: args.description,
      due_date: args.due_date,
      priority: args.priority,
      completed: false,
      created_at: now,
      updated_at: now,
    });
    return { message: 'To-do created.', task_id: task.id };
  },
});

const updateTask = defineApi({
  name: 'update_task',
  description: 'Change fields of a to-do; fields left out stay as they are.',
  requiresAuth: true,
  params: {
    task_id: taskId,
    title: nullable(param.string('New title.', { minLength: 1, maxLength: 200 })),
    description: nullable(param.string('New description.', { maxLength: 5000 })),
    project_id: nullable(param.integer('Move it to this project.', { min: 1 })),
    due_date: nullable(dueDate),
    priority: nullable(priority),
  },
  response: { message: 'string' },
  handler: ({ state, user, now }, args) => {
    const task = findOwned(state.tables.todo_tasks, args.task_id, user, 'to-do');
    checkProject(state, user, args.project_id);
    if (args.title !== null) task.title = args.title;
    if (args.description !== null) task.description = args.description;
    if (args.project_id !== null) task.project_id = args.project_id;
    if (args.due_date !== null) task.due_date = args.due_date;
    if (args.priority !== null) task.priority = args.priority;
    task.updated_at = now;
    return { message: 'To-do updated.' };
  },
});

function completionApi(name: string, completed: boolean) {
  return defineApi({
    name,
    description: completed ? 'Mark a to-do as completed.' : 'Mark a completed to-do as open again.',
    requiresAuth: true,
    params: { task_id: taskId },
    response: { message: 'string' },
    handler: ({ state, user, now }, { task_id }) => {
      const task = findOwned(state.tables.todo_tasks, task_id, user, 'to-do');
      task.completed = completed;
      task.updated_at = now;
      return { message: completed ? 'To-do completed.' : 'To-do reopened.' };
    },
  });
}

const deleteTask = defineApi({
  name: 'delete_task',
  description: 'Delete a to-do for good.',
  requiresAuth: true,
  params: { task_id: taskId },
  response: { message: 'string' },
  handler: ({ state, user }, { task_id }) => {
    const task = findOwned(state.tables.todo_tasks, task_id, user, 'to-do');
    state.tables.todo_tasks = state.tables.todo_tasks.filter((row) => row !== task);
    return { message: 'To-do deleted.' };
  },
});

export const todoApp = defineApp('todo', 'A to-do list: projects and to-dos with due dates and priorities.', [
  loginApi('todo'),
  logoutApi('todo'),
  showProjects,
  createProject,
  searchTasks,
  showTask,
  createTask,
  updateTask,
  completionApi('mark_task_completed', true),
  completionApi('mark_task_incomplete', false),
  deleteTask,
]);
