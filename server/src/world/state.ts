import type { WorldCompletion } from '@trellis/shared';

/** Apps with accounts: each person has one login per app. */
export const ACCOUNT_APPS = ['notes', 'todo', 'music', 'wallet', 'mail', 'files', 'phone'] as const;
export type AccountApp = (typeof ACCOUNT_APPS)[number];

export interface Person {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone_number: string;
  birthday: string;
  city: string;
}

export interface Account {
  id: number;
  app: AccountApp;
  email: string;
  password: string;
}

export interface Note {
  id: number;
  owner: string;
  title: string;
  content: string;
  tags: string[];
  pinned: boolean;
  created_at: string;
  updated_at: string;
}

export interface TodoProject {
  id: number;
  owner: string;
  name: string;
  created_at: string;
}

export interface TodoTask {
  id: number;
  owner: string;
  project_id: number | null;
  title: string;
  description: string;
  due_date: string | null;
  priority: number;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

export interface Artist {
  id: number;
  name: string;
  genre: string;
  follower_count: number;
}

export interface Album {
  id: number;
  title: string;
  artist_id: number;
  genre: string;
  release_date: string;
}

export interface Song {
  id: number;
  title: string;
  artist_id: number;
  album_id: number;
  genre: string;
  duration_seconds: number;
  release_date: string;
  play_count: number;
}

export interface Playlist {
  id: number;
  owner: string;
  title: string;
  is_public: boolean;
  song_ids: number[];
  created_at: string;
  updated_at: string;
}

export interface SongLike {
  id: number;
  owner: string;
  song_id: number;
  liked_at: string;
}

export interface SongPlay {
  id: number;
  owner: string;
  song_id: number;
  played_at: string;
}

export interface WalletAccount {
  id: number;
  email: string;
  balance: number;
}

export interface WalletTransaction {
  id: number;
  sender: string;
  receiver: string;
  amount: number;
  description: string;
  created_at: string;
}

export interface PaymentRequest {
  id: number;
  requester: string;
  payer: string;
  amount: number;
  description: string;
  status: 'pending' | 'approved' | 'declined';
  created_at: string;
  resolved_at: string | null;
}

/** One row per mailbox copy, as mail servers store it: sending adds a sent copy and one inbox copy per recipient. */
export interface Email {
  id: number;
  owner: string;
  folder: 'inbox' | 'sent';
  sender: string;
  recipients: string[];
  subject: string;
  body: string;
  read: boolean;
  sent_at: string;
}

export interface FileEntry {
  id: number;
  owner: string;
  path: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export interface Contact {
  id: number;
  owner: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone_number: string | null;
  relationship: string;
  birthday: string | null;
}

export interface TextMessage {
  id: number;
  sender: string;
  receiver: string;
  message: string;
  sent_at: string;
}

/** Every table of the world; each row has a numeric `id` unique within its table. */
export interface WorldTables {
  people: Person[];
  accounts: Account[];
  notes: Note[];
  todo_projects: TodoProject[];
  todo_tasks: TodoTask[];
  music_artists: Artist[];
  music_albums: Album[];
  music_songs: Song[];
  music_playlists: Playlist[];
  music_likes: SongLike[];
  music_plays: SongPlay[];
  wallet_accounts: WalletAccount[];
  wallet_transactions: WalletTransaction[];
  wallet_requests: PaymentRequest[];
  mail_emails: Email[];
  files: FileEntry[];
  phone_contacts: Contact[];
  phone_messages: TextMessage[];
}
export type TableName = keyof WorldTables;

export const TABLE_NAMES: readonly TableName[] = [
  'people',
  'accounts',
  'notes',
  'todo_projects',
  'todo_tasks',
  'music_artists',
  'music_albums',
  'music_songs',
  'music_playlists',
  'music_likes',
  'music_plays',
  'wallet_accounts',
  'wallet_transactions',
  'wallet_requests',
  'mail_emails',
  'files',
  'phone_contacts',
  'phone_messages',
];

export interface Session {
  token: string;
  app: string;
  email: string;
}

export interface WorldMeta {
  seed: string;
  /** The world's clock, ISO 8601 without a zone; every write is stamped with it. */
  now: string;
  supervisor: string;
  /** The last id handed out per table, so a deleted id is never reused. */
  lastIds: Record<TableName, number>;
  loginCount: number;
  completion: WorldCompletion;
}

/** The whole world as plain JSON: what `snapshot()` copies and the evaluator diffs. */
export interface WorldState {
  meta: WorldMeta;
  sessions: Session[];
  tables: WorldTables;
}

export function emptyTables(): WorldTables {
  return {
    people: [],
    accounts: [],
    notes: [],
    todo_projects: [],
    todo_tasks: [],
    music_artists: [],
    music_albums: [],
    music_songs: [],
    music_playlists: [],
    music_likes: [],
    music_plays: [],
    wallet_accounts: [],
    wallet_transactions: [],
    wallet_requests: [],
    mail_emails: [],
    files: [],
    phone_contacts: [],
    phone_messages: [],
  };
}

/** Hands out the next id of a table. */
export function nextId(state: WorldState, table: TableName): number {
  const id = state.meta.lastIds[table] + 1;
  state.meta.lastIds[table] = id;
  return id;
}

export type RowOf<T extends TableName> = WorldTables[T][number];

/** Adds a row with the table's next id and returns it. */
export function insert<T extends TableName>(
  state: WorldState,
  table: T,
  row: Omit<RowOf<T>, 'id'>,
): RowOf<T> {
  const full = { id: nextId(state, table), ...row } as RowOf<T>;
  (state.tables[table] as RowOf<T>[]).push(full);
  return full;
}

export function emptyLastIds(): Record<TableName, number> {
  return Object.fromEntries(TABLE_NAMES.map((table) => [table, 0])) as Record<TableName, number>;
}

export function cloneState(state: WorldState): WorldState {
  return structuredClone(state);
}
