import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { ApiModule } from '../shared/http/api-module';
import type { Logger } from '../shared/logger/logger.factory';

/** What every component is built from: the database connection, configuration and logger. */
export interface ComponentDeps {
  connection: Connection;
  config: Pick<Config, 'secrets' | 'env'>;
  logger: Logger;
}

/** The one wiring place: builds each component and returns the API modules app.ts mounts. */
export async function createComponents(_deps: ComponentDeps): Promise<ApiModule[]> {
  const modules: ApiModule[] = [];
  return modules;
}
