import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { ApiFailure, unprocessable } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { optional, param } from '../api/params.ts';
import { includesText } from '../api/sort.ts';
import { type FileEntry, insert, type WorldState } from '../state.ts';

const filePath = (description: string) => param.string(description, { format: 'path', maxLength: 300 });
const overwrite = optional(param.boolean('Replace a file that already exists at the destination.'), false);

/** "/a//b/" → "/a/b"; rejects "." and ".." so paths stay canonical. */
function canonical(path: string, field: string): string {
  const parts = path.split('/').filter((part) => part.length > 0);
  if (parts.some((part) => part === '.' || part === '..'))
    throw unprocessable(`'${field}' must not contain '.' or '..'.`);
  return `/${parts.join('/')}`;
}

function filesOf(state: WorldState, user: string): FileEntry[] {
  return state.tables.files.filter((file) => file.owner === user);
}

function findFile(state: WorldState, user: string, path: string): FileEntry {
  const file = filesOf(state, user).find((row) => row.path === path);
  if (!file) throw new ApiFailure(404, `No file at ${JSON.stringify(path)}.`);
  return file;
}

function isDirectory(state: WorldState, user: string, path: string): boolean {
  return path === '/' || filesOf(state, user).some((file) => file.path.startsWith(`${path}/`));
}

/** The file already at `path` when it may be replaced, undefined when the path is free; else a 422. */
function claimPath(state: WorldState, user: string, path: string, replace: boolean): FileEntry | undefined {
  if (isDirectory(state, user, path)) throw unprocessable(`${JSON.stringify(path)} is a directory.`);
  const existing = filesOf(state, user).find((row) => row.path === path);
  if (existing && !replace)
    throw unprocessable(
      `A file already exists at ${JSON.stringify(path)}; pass overwrite=True to replace it.`,
    );
  return existing;
}

function writeFile(
  state: WorldState,
  user: string,
  path: string,
  content: string,
  replace: boolean,
  now: string,
) {
  const existing = claimPath(state, user, path, replace);
  if (existing) {
    existing.content = content;
    existing.updated_at = now;
    return existing;
  }
  return insert(state, 'files', { owner: user, path, content, created_at: now, updated_at: now });
}

const FILE_SUMMARY = { file_id: 'integer', path: 'string', size: 'integer', updated_at: 'string' } as const;

function summary(file: FileEntry) {
  return { file_id: file.id, path: file.path, size: file.content.length, updated_at: file.updated_at };
}

const showDirectory = defineApi({
  name: 'show_directory',
  description: 'List what is inside a directory (files and subdirectories), sorted by path. Paginated.',
  requiresAuth: true,
  params: {
    directory_path: optional(filePath('The directory to list.'), '/'),
    recursive: optional(param.boolean('Also list everything in subdirectories (files only).'), false),
    ...pageParams,
  },
  response: [{ path: 'string', is_directory: 'boolean' }],
  handler: ({ state, user }, args) => {
    const dir = canonical(args.directory_path, 'directory_path');
    if (!isDirectory(state, user, dir)) throw new ApiFailure(404, `No directory at ${JSON.stringify(dir)}.`);
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const entries = new Map<string, boolean>();
    for (const file of filesOf(state, user)) {
      if (!file.path.startsWith(prefix)) continue;
      const rest = file.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (args.recursive || slash < 0) entries.set(file.path, false);
      else entries.set(prefix + rest.slice(0, slash), true);
    }
    const sorted = [...entries.entries()].sort(([a], [b]) => a.localeCompare(b));
    return paginate(sorted, args).map(([path, is_directory]) => ({ path, is_directory }));
  },
});

const searchFiles = defineApi({
  name: 'search_files',
  description: 'Find files under a directory by text in their name or content. Paginated.',
  requiresAuth: true,
  params: {
    name_query: optional(param.string('Text to look for in the file name; empty matches all.'), ''),
    content_query: optional(param.string('Text to look for in the content; empty matches all.'), ''),
    directory_path: optional(filePath('Only files under this directory.'), '/'),
    ...pageParams,
  },
  response: [FILE_SUMMARY],
  handler: ({ state, user }, args) => {
    const dir = canonical(args.directory_path, 'directory_path');
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const matches = filesOf(state, user)
      .filter(
        (file) =>
          file.path.startsWith(prefix) &&
          includesText(file.path.slice(file.path.lastIndexOf('/') + 1), args.name_query) &&
          includesText(file.content, args.content_query),
      )
      .sort((a, b) => a.path.localeCompare(b.path));
    return paginate(matches, args).map(summary);
  },
});

const showFile = defineApi({
  name: 'show_file',
  description: 'Show a file with its content.',
  requiresAuth: true,
  params: { file_path: filePath('Path of the file.') },
  response: { ...FILE_SUMMARY, content: 'string', created_at: 'string' },
  handler: ({ state, user }, { file_path }) => {
    const file = findFile(state, user, canonical(file_path, 'file_path'));
    return { ...summary(file), content: file.content, created_at: file.created_at };
  },
});

const createFile = defineApi({
  name: 'create_file',
  description: 'Create a file; directories on the way are created as needed.',
  requiresAuth: true,
  params: {
    file_path: filePath('Path of the new file.'),
    content: optional(param.string('Text content.', { maxLength: 50000 }), ''),
    overwrite,
  },
  response: { message: 'string', file_id: 'integer' },
  handler: ({ state, user, now }, args) => {
    const file = writeFile(
      state,
      user,
      canonical(args.file_path, 'file_path'),
      args.content,
      args.overwrite,
      now,
    );
    return { message: 'File created.', file_id: file.id };
  },
});

const updateFile = defineApi({
  name: 'update_file',
  description: 'Replace the content of an existing file.',
  requiresAuth: true,
  params: {
    file_path: filePath('Path of the file.'),
    content: param.string('New content.', { maxLength: 50000 }),
  },
  response: { message: 'string' },
  handler: ({ state, user, now }, args) => {
    const file = findFile(state, user, canonical(args.file_path, 'file_path'));
    file.content = args.content;
    file.updated_at = now;
    return { message: 'File updated.' };
  },
});

const deleteFile = defineApi({
  name: 'delete_file',
  description: 'Delete a file for good.',
  requiresAuth: true,
  params: { file_path: filePath('Path of the file.') },
  response: { message: 'string' },
  handler: ({ state, user }, { file_path }) => {
    const file = findFile(state, user, canonical(file_path, 'file_path'));
    state.tables.files = state.tables.files.filter((row) => row !== file);
    return { message: 'File deleted.' };
  },
});

function transferApi(name: 'move_file' | 'copy_file') {
  const move = name === 'move_file';
  return defineApi({
    name,
    description: move ? 'Move or rename a file.' : 'Copy a file to a new path.',
    requiresAuth: true,
    params: {
      source_path: filePath('Path of the file.'),
      destination_path: filePath('Path it should have afterwards.'),
      overwrite,
    },
    response: { message: 'string', file_id: 'integer' },
    handler: ({ state, user, now }, args) => {
      const source = findFile(state, user, canonical(args.source_path, 'source_path'));
      const destination = canonical(args.destination_path, 'destination_path');
      if (destination === source.path) throw unprocessable('The source and destination are the same path.');
      if (!move) {
        const copy = writeFile(state, user, destination, source.content, args.overwrite, now);
        return { message: 'File copied.', file_id: copy.id };
      }
      // A move keeps the file's id: it is the same file under a new path.
      const replaced = claimPath(state, user, destination, args.overwrite);
      if (replaced) state.tables.files = state.tables.files.filter((row) => row !== replaced);
      source.path = destination;
      source.updated_at = now;
      return { message: 'File moved.', file_id: source.id };
    },
  });
}

export const filesApp = defineApp('files', 'A file storage app: directories and text files.', [
  loginApi('files'),
  logoutApi('files'),
  showDirectory,
  searchFiles,
  showFile,
  createFile,
  updateFile,
  deleteFile,
  transferApi('move_file'),
  transferApi('copy_file'),
]);
