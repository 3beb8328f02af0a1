export { loadConfig, type Config, type DbModeSetting, type DeliveriesConfig, type DemoConfig, type ScaleConfig } from './config.loader';
export { ConfigError, type ConfigIssue } from './config.error';
export { SECRET_KEYS, type SecretKey } from './env.schema';
export { SECRETS_FILE } from './secrets.store';
