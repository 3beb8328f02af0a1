import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { ApiModule } from '../shared/http/api-module';
import type { Logger } from '../shared/logger/logger.factory';
import { authenticate, type Principal } from './auth';

/** What every component is built from: the database connection, configuration and logger. */
export interface ComponentDeps {
  connection: Connection;
  config: Pick<Config, 'secrets' | 'env'>;
  logger: Logger;
}

/** The one wiring place: builds each component and returns the API modules app.ts mounts, in order. */
export async function createComponents(deps: ComponentDeps): Promise<ApiModule[]> {
  const isActive = async (_principal: Principal): Promise<boolean> => true;
  const modules: ApiModule[] = [
    // First: every later router finds req.principal set from the bearer token.
    { name: 'authentication', router: Router().use(authenticate(deps.config.secrets.JWT_SECRET, isActive)), registerOpenApi: () => undefined },
  ];
  return modules;
}
