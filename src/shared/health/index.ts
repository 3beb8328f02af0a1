export { healthRoutes, registerHealthOpenApi, type HealthDeps } from './health.routes';
