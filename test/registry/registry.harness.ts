import { initModels, startWorld, type World } from '../support/world';

export { expectStatus, principal, SECRETS, type Caller } from '../support/world';

export type RegistryWorld = World;

/** The real app with bearer authentication, the registry and the audit trail, on a fresh database. */
export async function startRegistryWorld(label: string): Promise<RegistryWorld> {
  const world = await startWorld(label);
  await initModels(world.connection);
  return world;
}
