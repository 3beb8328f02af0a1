export { developmentSeeders, seedDevelopmentDatabase, type Seeder, type SeedContext, type SeedOutcome } from './development.seed';
