import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { ApiModule } from '../shared/http/api-module';
import type { Logger } from '../shared/logger/logger.factory';
import { createAudit } from './audit';
import { authenticate, createAuthComponent, type AccountRegistryLookups, type AuthOptions } from './auth';
import { createRegistry } from './registry';
import { createImports } from './imports';
import { createDevicesComponent, type SiteLookup } from './devices';

/** What every component is built from: the database connection, configuration and logger. */
export interface ComponentDeps {
  connection: Connection;
  config: Pick<Config, 'secrets' | 'env'>;
  logger: Logger;
  /** Accounts tunables; production defaults when absent (tests lower the bcrypt cost here). */
  auth?: AuthOptions;
  /** Overrides of the registry lookups the accounts and devices use (tests). */
  accountLookups?: Partial<AccountRegistryLookups>;
  siteLookup?: SiteLookup;
}

/** The one wiring place: builds each component and returns the API modules app.ts mounts, in order. */
export async function createComponents(deps: ComponentDeps): Promise<ApiModule[]> {
  const auth = await createAuthComponent({
    connection: deps.connection,
    jwtSecret: deps.config.secrets.JWT_SECRET,
    registry: deps.accountLookups ?? {},
    ...(deps.auth ? { options: deps.auth } : {}),
  });
  const devices = await createDevicesComponent({
    connection: deps.connection,
    serverSecret: deps.config.secrets.PII_HASH_SECRET,
    ...(deps.siteLookup ? { siteLookup: deps.siteLookup } : {}),
  });
  const modules: ApiModule[] = [
    // First: every later router finds req.principal set from the bearer token.
    { name: 'authentication', router: Router().use(authenticate(deps.config.secrets.JWT_SECRET, auth.isActive)), registerOpenApi: () => undefined },
    auth.module,
    devices.module,
  ];
  const audit = createAudit({ connection: deps.connection });
  const registry = createRegistry(deps, { audit: audit.service });
  await registry.ensureDistricts();
  modules.push(registry.module, audit.module);
  modules.push(createImports({ importPort: registry.importPort }).module);
  return modules;
}
