import { startWorld, type World, type WorldOptions } from '../support/world';

export { expectStatus, principal, SECRETS, type Caller } from '../support/world';

export type RegistryWorld = World;

/** The test world (every component, as createComponents wires them) for the registry's tests. */
export function startRegistryWorld(label: string, options: WorldOptions = {}): Promise<RegistryWorld> {
  return startWorld(label, options);
}
