import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { EndpointRepo } from './store/endpoints.ts';

/** The services every route group receives. Tests build one around an in-memory store. */
export interface AppContext {
  config: Config;
  db: Db;
  endpoints: EndpointRepo;
  /** Aborted when the server shuts down, so long-lived work (streams, runs) can stop. */
  shutdown: AbortSignal;
}

export function createContext(config: Config, db: Db, shutdown: AbortSignal): AppContext {
  return { config, db, endpoints: new EndpointRepo(db), shutdown };
}
