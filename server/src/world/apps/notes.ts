import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { findOwned } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { includesText, sortBy, sortOptions } from '../api/sort.ts';
import { insert, type Note } from '../state.ts';

const NOTE_SUMMARY = {
  note_id: 'integer',
  title: 'string',
  tags: ['string'],
  pinned: 'boolean',
  created_at: 'string',
  updated_at: 'string',
} as const;

function summary(note: Note) {
  return {
    note_id: note.id,
    title: note.title,
    tags: note.tags,
    pinned: note.pinned,
    created_at: note.created_at,
    updated_at: note.updated_at,
  };
}

const noteId = param.integer('Id of the note.', { min: 1 });
const tags = param.strings('Tags of the note, lower case.', { maxLength: 10 });

const searchNotes = defineApi({
  name: 'search_notes',
  description:
    'Search your notes by text in the title or content, optionally by tag or pin state. Paginated.',
  requiresAuth: true,
  params: {
    query: optional(param.string('Text to look for in the title or content; empty matches every note.'), ''),
    tag: nullable(param.string('Only notes carrying this tag.')),
    pinned: nullable(param.boolean('Only pinned (True) or unpinned (False) notes.')),
    sort_by: optional(
      param.choice(
        'Order of the results; "-" means descending.',
        sortOptions(['title', 'created_at', 'updated_at']),
      ),
      '-updated_at',
    ),
    ...pageParams,
  },
  response: [NOTE_SUMMARY],
  handler: ({ state, user }, args) => {
    const matches = state.tables.notes.filter(
      (note) =>
        note.owner === user &&
        (includesText(note.title, args.query) || includesText(note.content, args.query)) &&
        (args.tag === null || note.tags.includes(args.tag.toLowerCase())) &&
        (args.pinned === null || note.pinned === args.pinned),
    );
    const sorted = sortBy(matches, args.sort_by, (note, field) =>
      field === 'title' ? note.title : field === 'created_at' ? note.created_at : note.updated_at,
    );
    return paginate(sorted, args).map(summary);
  },
});

const showNote = defineApi({
  name: 'show_note',
  description: 'Show one note with its full content.',
  requiresAuth: true,
  params: { note_id: noteId },
  response: { ...NOTE_SUMMARY, content: 'string' },
  handler: ({ state, user }, { note_id }) => {
    const note = findOwned(state.tables.notes, note_id, user, 'note');
    return { ...summary(note), content: note.content };
  },
});

const createNote = defineApi({
  name: 'create_note',
  description: 'Create a note.',
  requiresAuth: true,
  params: {
    title: param.string('Title of the note.', { minLength: 1, maxLength: 200 }),
    content: optional(param.string('Body of the note.', { maxLength: 20000 }), ''),
    tags: optional(tags, []),
    pinned: optional(param.boolean('Whether the note is pinned to the top.'), false),
  },
  response: { message: 'string', note_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    const note = insert(state, 'notes', {
      owner: user,
      title: args.title,
      content: args.content,
      tags: args.tags.map((tag) => tag.toLowerCase()),
      pinned: args.pinned,
      created_at: now,
      updated_at: now,
    });
    return { message: 'Note created.', note_id: note.id };
  },
});

const updateNote = defineApi({
  name: 'update_note',
  description: 'Change the title, content, tags or pin state of a note; fields left out stay as they are.',
  requiresAuth: true,
  params: {
    note_id: noteId,
    title: nullable(param.string('New title.', { minLength: 1, maxLength: 200 })),
    content: nullable(param.string('New content; replaces the old content.', { maxLength: 20000 })),
    tags: nullable(param.strings('New tags; replace the old tags.', { maxLength: 10 })),
    pinned: nullable(param.boolean('New pin state.')),
  },
  response: { message: 'string' },
  handler: ({ state, user, now }, args) => {
    const note = findOwned(state.tables.notes, args.note_id, user, 'note');
    if (args.title !== null) note.title = args.title;
    if (args.content !== null) note.content = args.content;
    if (args.tags !== null) note.tags = args.tags.map((tag) => tag.toLowerCase());
    if (args.pinned !== null) note.pinned = args.pinned;
    note.updated_at = now;
    return { message: 'Note updated.' };
  },
});

const deleteNote = defineApi({
  name: 'delete_note',
  description: 'Delete a note for good.',
  requiresAuth: true,
  params: { note_id: noteId },
  response: { message: 'string' },
  handler: ({ state, user }, { note_id }) => {
    const note = findOwned(state.tables.notes, note_id, user, 'note');
    state.tables.notes = state.tables.notes.filter((row) => row !== note);
    return { message: 'Note deleted.' };
  },
});

export const notesApp = defineApp('notes', 'A note-taking app: notes with titles, text, tags and pins.', [
  loginApi('notes'),
  logoutApi('notes'),
  searchNotes,
  showNote,
  createNote,
  updateNote,
  deleteNote,
]);
