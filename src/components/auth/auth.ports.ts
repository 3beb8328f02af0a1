/**
 * What the accounts need to know from the registry, injected by src/components/index.ts so that
 * auth does not import the registry (the registry imports auth for its scope filter).
 */
export interface AccountRegistryLookups {
  /** The district of an enterprise; undefined when no such enterprise exists. */
  enterpriseDistrict(enterpriseId: string): Promise<string | undefined>;
  /** The enterprise that employs a worker record; undefined when no such worker exists. */
  workerEmployer(workerId: string): Promise<string | undefined>;
  /** Whether a district code is configured. */
  districtExists(code: string): Promise<boolean>;
}
