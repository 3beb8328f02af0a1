import DataLoader from 'dataloader';
import type { Types } from 'mongoose';
import type { FieldError } from '../../shared/errors/app.error';
import { credentialStatus, isOperative, type CustomerContact, type Registry } from '../registry';
import type { EventActor, Ledger, PreparedEvents, SharedReads } from '../ledger';
import { aheadOfPlatform } from '../../shared/http/date.schema';
import type { Confirmation } from './deliveries.model';
import { eventsOf, placeOf, type HandOverFacts, type PlannedEvent } from './deliveries.flows';
import type { DeliveriesRepository } from './deliveries.repository';
import type { CheckInput, ConfirmationInput, FlowInput } from './deliveries.schemas';

/** Who submits flows: always from the credentials, never the body. */
export interface Submitter {
  actor: EventActor;
  userId: string;
  workerId: string;
  enterpriseId: Types.ObjectId;
}

export type Mode = 'online' | 'offline';

/** A flow ready for the transaction: what it records, resolved outside it. */
export interface Plan {
  flow: FlowInput;
  content: Record<string, unknown>;
  contentHash: string;
  districtCode: string;
  customerId?: string;
  siteId?: string;
  vehicleId?: string;
  events: PlannedEvent[];
  prepared: PreparedEvents;
  confirmation?: Confirmation;
  /** A hand-over code the flow spends in its transaction. */
  spend?: Types.ObjectId;
  /** The safety check to store: only at a registered customer of the enterprise. */
  check?: CheckInput;
}

/** A flow refused before anything is stored: bad or missing input it can be sent again without. */
export interface Invalid {
  invalid: { code: string; status: number; detail: string; errors?: FieldError[] };
}

export interface PlanDeps {
  repo: DeliveriesRepository;
  ledger: Pick<Ledger, 'prepareAppend' | 'sharedReads' | 'eventIds'>;
  registry: Pick<Registry, 'customerContacts' | 'customerIdByPhone' | 'siteById' | 'workerById' | 'credentialHolders' | 'policy'>;
  now: () => Date;
}

/** How far a phone's clock may run behind the platform's when it records a code shown on the customer's page. */
const CODE_CLOCK_SKEW_MS = 5 * 60_000;

const invalid = (code: string, status: number, detail: string, errors?: FieldError[]): Invalid => ({ invalid: { code, status, detail, ...(errors ? { errors } : {}) } });

/**
 * Resolves one flow outside any transaction (pure reads): its customer (registered, or the person
 * a refused hand-over goes to), the customer's confirmation, the photos and signature it names,
 * the worker for a flow with no ledger event, its district, and its ledger events prepared.
 * Online, a confirmation that does not match is refused (the worker asks again); offline it is
 * recorded unconfirmed, naming the method that failed — the visit happened.
 */
export function createPlanner(deps: PlanDeps) {
  async function plan(flow: FlowInput, who: Submitter, mode: Mode, content: { content: Record<string, unknown>; contentHash: string }, memo: Memo): Promise<Plan | Invalid> {
    const enterpriseId = who.enterpriseId.toHexString();
    const place = placeOf(flow);
    const base = { flow, ...content, ...(place.siteId ? { siteId: place.siteId } : {}), ...(place.vehicleId ? { vehicleId: place.vehicleId } : {}) };
    const eventId = (name: string) => deps.ledger.eventIds.derived(enterpriseId, `delivery/${name}`);
    const prepare = async (events: PlannedEvent[]) => deps.ledger.prepareAppend(events.map((e) => e.input), who.actor, memo.reads);
    // A flow dated ahead of the platform (a phone's clock far ahead, a made-up date) is refused by
    // name, whether or not it has ledger events to be refused with: a safety check alone has none.
    const ahead = aheadOfPlatform(flow.occurredAt, deps.now(), 'occurredAt');
    if (ahead.length > 0) return invalid('VALIDATION_FAILED', 400, '1 field(s) are invalid', ahead);

    if (flow.kind === 'load' || flow.kind === 'receipt') {
      const site = await memo.site(flow.siteId);
      const districtCode = site && site.enterpriseId === enterpriseId ? site.districtCode : await memo.workerDistrict(who.workerId);
      const events = eventsOf(flow, undefined, eventId);
      return { ...base, districtCode, events, prepared: await prepare(events) };
    }

    const customer = await registeredCustomer(flow, enterpriseId, memo);
    const delivers = flow.kind === 'visit' && flow.deliver !== undefined;
    if (!customer && !delivers) return invalid('NOT_FOUND', 404, 'no such customer of the enterprise', [{ path: 'customerId', message: 'is not a customer of the enterprise' }]);
    const check = flow.kind === 'visit' ? flow.safetyCheck : { items: flow.items, ...(flow.photoSha256 ? { photoSha256: flow.photoSha256 } : {}), ...(flow.note ? { note: flow.note } : {}) };
    const media = await missingMedia(flow, who.enterpriseId);
    if (media.length > 0) return invalid('MEDIA_NOT_FOUND', 422, 'upload the photos and signatures first (PUT /api/v1/deliveries/media/{sha256})', media);

    let confirmation: Confirmation | undefined;
    let spend: Types.ObjectId | undefined;
    if (customer) {
      const confirmed = await confirm(flow.confirmation, customer, flow.occurredAt);
      if ('failed' in confirmed && mode === 'online') {
        return invalid('CONFIRMATION_FAILED', 422, "the customer's confirmation does not match: ask again", [{ path: confirmed.path, message: 'does not match' }]);
      }
      confirmation = 'failed' in confirmed ? { method: 'none', confirmed: false, failed: confirmed.failed } : confirmed.confirmation;
      spend = 'spend' in confirmed ? confirmed.spend : undefined;
    } else {
      confirmation = { method: 'none', confirmed: false };
    }

    const events = flow.kind === 'visit' ? eventsOf(flow, handOverOf(flow, customer, confirmation), eventId) : [];
    if (events.length === 0) {
      // No ledger event checks this worker: the same registry rule the ledger's enforcement asks, at the flow's time.
      const refused = await workerRefusal(who, flow.occurredAt);
      if (refused) return refused;
    }
    return {
      ...base,
      districtCode: customer?.districtCode ?? (await memo.workerDistrict(who.workerId)),
      ...(customer ? { customerId: customer.id } : {}),
      events,
      prepared: await prepare(events),
      confirmation,
      ...(spend ? { spend } : {}),
      ...(customer && check ? { check } : {}),
    };
  }

  /** The registered, active customer of the enterprise the flow names (by id, or by the phone of the person at the door). */
  async function registeredCustomer(flow: FlowInput & { kind: 'visit' | 'safety_check' }, enterpriseId: string, memo: Memo): Promise<CustomerContact | undefined> {
    const id = flow.customerId ?? (flow.kind === 'visit' && flow.recipient ? await deps.registry.customerIdByPhone(enterpriseId, flow.recipient.phone) : undefined);
    const contact = id ? await memo.customer(id) : undefined;
    return contact && contact.active && contact.enterpriseId === enterpriseId ? contact : undefined;
  }

  async function missingMedia(flow: FlowInput & { kind: 'visit' | 'safety_check' }, enterpriseId: Types.ObjectId): Promise<FieldError[]> {
    const named: [string, string][] = [];
    const photo = flow.kind === 'visit' ? flow.safetyCheck?.photoSha256 : flow.photoSha256;
    if (photo) named.push([flow.kind === 'visit' ? 'safetyCheck.photoSha256' : 'photoSha256', photo]);
    if (flow.confirmation?.method === 'signature') named.push(['confirmation.signatureSha256', flow.confirmation.signatureSha256]);
    if (named.length === 0) return [];
    const present = await deps.repo.mediaPresent(enterpriseId, named.map(([, sha]) => sha));
    return named.filter(([, sha]) => !present.has(sha)).map(([path]) => ({ path, message: 'no image with this SHA-256 was uploaded' }));
  }

  type Confirmed = { confirmation: Confirmation; spend?: Types.ObjectId } | { failed: Exclude<Confirmation['method'], 'none'>; path: string };

  async function confirm(input: ConfirmationInput | undefined, customer: CustomerContact, occurredAt: string): Promise<Confirmed> {
    if (!input || input.method === 'none') return { confirmation: { method: 'none', confirmed: false } };
    switch (input.method) {
      case 'phone_last4':
        return customer.phone.replace(/\D/g, '').slice(-4) === input.phoneLast4
          ? { confirmation: { method: 'phone_last4', confirmed: true } }
          : { failed: 'phone_last4', path: 'confirmation.phoneLast4' };
      case 'one_time_code': {
        const code = await deps.repo.codeMatching(customer.id, input.code);
        const at = Date.parse(occurredAt);
        const valid = code && !code.usedAt && code.createdAt.getTime() <= at + CODE_CLOCK_SKEW_MS && code.expiresAt.getTime() >= at;
        return valid ? { confirmation: { method: 'one_time_code', confirmed: true }, spend: code._id } : { failed: 'one_time_code', path: 'confirmation.code' };
      }
      case 'signature':
        // Its image was checked to be uploaded (missingMedia): the signature is the customer's mark.
        return { confirmation: { method: 'signature', confirmed: true } };
    }
  }

  async function workerRefusal(who: Submitter, occurredAt: string): Promise<Invalid | undefined> {
    const worker = (await deps.registry.credentialHolders('workers', [who.workerId])).get(who.workerId);
    if (!worker || !worker.active || worker.enterpriseId !== who.enterpriseId.toHexString()) {
      return invalid('WORKER_NOT_EMPLOYED', 422, `worker ${who.workerId} is not an active worker of the enterprise`);
    }
    const status = credentialStatus(worker.credentials.certificate, new Date(occurredAt), deps.registry.policy);
    return isOperative(status) ? undefined : invalid('WORKER_UNCERTIFIED', 422, `the worker's safety-training certificate is ${status} at ${occurredAt}`);
  }

  return { plan, memo: (): Memo => createMemo(deps) };
}

export function isInvalid(p: Plan | Invalid): p is Invalid {
  return 'invalid' in p;
}

/** The hand-over's facts: the registered customer, or whoever took it (the evidence of its refusal). */
function handOverOf(flow: FlowInput & { kind: 'visit' }, customer: CustomerContact | undefined, confirmation: Confirmation): HandOverFacts {
  if (customer) return { customerId: customer.id, method: confirmation.method };
  if (flow.customerId) return { customerId: flow.customerId, method: 'none' };
  const r = flow.recipient;
  return { ...(r ? { recipient: { ...(r.name ? { name: r.name } : {}), phoneLast4: r.phone.replace(/\D/g, '').slice(-4), ...(r.address ? { address: r.address } : {}) } } : {}), method: 'none' };
}

/** Registry reads shared by the flows of one request. */
interface Memo {
  /** The ledger's look-ups, shared by the preparations of the request's flows. */
  reads: SharedReads;
  site(id: string): ReturnType<Registry['siteById']>;
  customer(id: string): Promise<CustomerContact | undefined>;
  workerDistrict(id: string): Promise<string>;
}

function createMemo(deps: PlanDeps): Memo {
  const cache = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) cache.set(key, (hit = read()));
    return hit;
  };
  // The customers a request's flows name, read together: one query for a batch of 500 visits.
  const customers = new DataLoader<string, CustomerContact | undefined>(async (ids) => {
    const found = await deps.registry.customerContacts(ids);
    return ids.map((id) => found.get(id));
  }, { batchScheduleFn: (run) => setImmediate(run) });
  return {
    reads: deps.ledger.sharedReads(),
    site: (id) => memo(`s:${id}`, () => deps.registry.siteById(id)),
    customer: (id) => customers.load(id),
    workerDistrict: (id) => memo(`w:${id}`, async () => (await deps.registry.workerById(id))?.districtCode ?? ''),
  };
}

export type Planner = ReturnType<typeof createPlanner>;
