import type { AccountService } from './service.ts';

/** The name of the admin TRELLIS_ADMIN_PASSWORD creates. */
export const FIRST_ADMIN = 'admin';

/**
 * Accounts at server start: the first admin from TRELLIS_ADMIN_PASSWORD while there are no users, or a line
 * saying how to create one; sessions that expired while the server was down are forgotten.
 */
export async function startAccounts(
  accounts: AccountService | null,
  config: { adminPassword?: string | null; accessTokenIgnored?: boolean },
  log: (line: string) => void,
): Promise<void> {
  if (!accounts) return;
  if (config.accessTokenIgnored) {
    log(
      'accounts: TRELLIS_ACCESS_TOKEN is not used with TRELLIS_AUTH=accounts; scripts use API tokens instead',
    );
  }
  const adminPassword = config.adminPassword ?? null;
  await accounts.forgetExpiredSessions();
  if (adminPassword !== null) {
    const created = await accounts.ensureFirstAdmin(FIRST_ADMIN, adminPassword);
    if (created)
      log(`accounts: created the admin '${created.name}' with the password in TRELLIS_ADMIN_PASSWORD`);
  }
  if ((await accounts.listUsers()).length === 0) {
    log(
      'accounts: no users yet; create the first admin with `trellis user add <name> --role admin`, or start with TRELLIS_ADMIN_PASSWORD set',
    );
  }
}
