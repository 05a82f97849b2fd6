import { describe, expect, it } from 'vitest';
import { runListPath } from '../api/runs.ts';
import { filtersFromSearch, filtersToSearch, listQuery, NO_FILTERS, PAGE_SIZE } from './runFilters.ts';

describe('run filters', () => {
  it('round-trips through the query string', () => {
    const filters = {
      graph: 'Three roles',
      task: 'notes_1',
      status: 'failed',
      difficulty: '2',
      page: 3,
    } as const;
    expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
    expect(filtersToSearch(NO_FILTERS)).toBe('');
  });

  it('ignores malformed values', () => {
    expect(filtersFromSearch('?status=exploded&difficulty=9&page=-2')).toEqual(NO_FILTERS);
  });

  it('asks the API for one page with only the filters that are set', () => {
    const query = listQuery({ ...NO_FILTERS, status: 'running', page: 2 });
    expect(query).toEqual({ status: 'running', limit: PAGE_SIZE, offset: 2 * PAGE_SIZE });
    expect(runListPath(query)).toBe(`/api/runs?status=running&limit=${PAGE_SIZE}&offset=${2 * PAGE_SIZE}`);
  });
});
