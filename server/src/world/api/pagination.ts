import { optional, param } from './params.ts';

export const MAX_PAGE_LIMIT = 20;
export const DEFAULT_PAGE_LIMIT = 5;

/** Spread into an API's parameters to make it paginate. */
export const pageParams = {
  page_index: optional(param.integer('Index of the page to return, starting at 0.', { min: 0 }), 0),
  page_limit: optional(
    param.integer('Largest number of items to return per page.', { min: 1, max: MAX_PAGE_LIMIT }),
    DEFAULT_PAGE_LIMIT,
  ),
};

/** One page of `items`; past the end it is empty, which is how callers know to stop. */
export function paginate<T>(items: readonly T[], args: { page_index: number; page_limit: number }): T[] {
  const start = args.page_index * args.page_limit;
  return items.slice(start, start + args.page_limit);
}
