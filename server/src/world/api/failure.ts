/** An API error the caller sees as `{status, body: {message}}`; handlers throw it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: 401 | 404 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export function notFound(what: string, id: string | number): ApiFailure {
  return new ApiFailure(404, `No ${what} found with id ${JSON.stringify(id)}.`);
}

export function unprocessable(message: string): ApiFailure {
  return new ApiFailure(422, message);
}

/** The row with `id` owned by `owner`, or a 404: another person's rows look the same as missing ones. */
export function findOwned<T extends { id: number; owner: string }>(
  rows: readonly T[],
  id: number,
  owner: string,
  what: string,
): T {
  const row = rows.find((candidate) => candidate.id === id && candidate.owner === owner);
  if (!row) throw notFound(what, id);
  return row;
}
