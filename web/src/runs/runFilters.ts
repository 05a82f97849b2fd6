import { RunStatus } from '@trellis/shared';

export interface RunFilters {
  graph: string;
  task: string;
  status: RunStatus | '';
  difficulty: '' | '1' | '2' | '3';
  page: number;
}

export const PAGE_SIZE = 25;

export const NO_FILTERS: RunFilters = { graph: '', task: '', status: '', difficulty: '', page: 0 };

/** Reads the filters from a query string, ignoring anything malformed. */
export function filtersFromSearch(search: string): RunFilters {
  const params = new URLSearchParams(search);
  const status = RunStatus.safeParse(params.get('status'));
  const difficulty = params.get('difficulty');
  const page = Number(params.get('page'));
  return {
    graph: params.get('graph') ?? '',
    task: params.get('task') ?? '',
    status: status.success ? status.data : '',
    difficulty: difficulty === '1' || difficulty === '2' || difficulty === '3' ? difficulty : '',
    page: Number.isInteger(page) && page > 0 ? page - 1 : 0,
  };
}

/** Writes the filters as a query string (pages 1-based for people), leaving defaults out. */
export function filtersToSearch(filters: RunFilters): string {
  const params = new URLSearchParams();
  if (filters.graph.trim()) params.set('graph', filters.graph.trim());
  if (filters.task.trim()) params.set('task', filters.task.trim());
  if (filters.status) params.set('status', filters.status);
  if (filters.difficulty) params.set('difficulty', filters.difficulty);
  if (filters.page > 0) params.set('page', String(filters.page + 1));
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The API query for a set of filters. */
export function listQuery(filters: RunFilters) {
  return {
    ...(filters.graph.trim() ? { graph: filters.graph.trim() } : {}),
    ...(filters.task.trim() ? { task: filters.task.trim() } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.difficulty ? { difficulty: Number(filters.difficulty) } : {}),
    limit: PAGE_SIZE,
    offset: filters.page * PAGE_SIZE,
  };
}

/** The filters as a rescue takes them: every matching run, not one page. */
export function rescueQuery(filters: RunFilters) {
  const { limit: _limit, offset: _offset, ...query } = listQuery(filters);
  return query;
}
