export interface ConfigIssue {
  key: string;
  message: string;
}

/** Thrown when the environment cannot start the service; main prints every issue and exits 1. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
