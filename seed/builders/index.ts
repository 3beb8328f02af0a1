export { anEnterprise, aSite, aVehicle, aWorker, aCustomer, aCylinder } from './registry.builders';
export { aCredential, type CredentialInput } from './credential.builder';
export { anIdNumber, aPlate, aMobile, isoDay, daysFrom, yearsFrom } from './sequence';
