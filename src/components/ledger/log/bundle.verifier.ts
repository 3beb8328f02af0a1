import { eventHash, type HashedEvent } from '..';
import { verifyCheckpoint } from './checkpoint.signer';
import { leafHash, verifyInclusion } from './merkle';
import { exportBundleSchema, type ExportBundle } from './log.schemas';

export type BundleVerdict =
  | { ok: true; cylinderId: string; events: number; treeSize: number; keyId: string }
  | { ok: false; eventId?: string; reason: string };

/**
 * Checks an exported cylinder history with nothing but the public key: the checkpoint's
 * signature, each event's hash over its canonical JSON, the chain's prevHash links and order,
 * and each event's inclusion in the signed tree. Answers the first failure, naming the event.
 */
export function verifyBundle(input: unknown, publicKeyPem: string): BundleVerdict {
  const parsed = exportBundleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `not an export bundle: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() };
  }
  const bundle = parsed.data;
  const { checkpoint } = bundle;
  if (!verifyCheckpoint(checkpoint, publicKeyPem)) {
    return { ok: false, reason: `checkpoint (tree size ${checkpoint.treeSize}) signature does not verify with this public key` };
  }
  const proofs = new Map(bundle.proofs.map((p) => [p.eventId, p]));
  let previous: ExportBundle['events'][number] | undefined;
  for (const [position, event] of bundle.events.entries()) {
    const failure = chainFailure(event, position, previous, bundle.cylinderId) ?? inclusionFailure(event, proofs, checkpoint);
    if (failure) return { ok: false, eventId: event.eventId, reason: `event ${event.eventId} (#${position}): ${failure}` };
    previous = event;
  }
  return { ok: true, cylinderId: bundle.cylinderId, events: bundle.events.length, treeSize: checkpoint.treeSize, keyId: checkpoint.keyId };
}

type Event = ExportBundle['events'][number];

function chainFailure(event: Event, position: number, previous: Event | undefined, cylinderId: string): string | undefined {
  if (event.cylinderId !== cylinderId) return `belongs to cylinder ${event.cylinderId}, not ${cylinderId}`;
  if (eventHash(event as unknown as HashedEvent) !== event.hash) return 'content does not match its hash (altered)';
  if (event.cylinderSeq !== position) return `is at position ${position} but its cylinderSeq is ${event.cylinderSeq} (missing or reordered events)`;
  const expected = previous?.hash ?? null;
  if (event.prevHash !== expected) {
    return previous ? `prevHash does not link to the previous event ${previous.eventId}` : 'the first event must have prevHash null';
  }
  return undefined;
}

function inclusionFailure(event: Event, proofs: Map<string, ExportBundle['proofs'][number]>, checkpoint: ExportBundle['checkpoint']): string | undefined {
  const proof = proofs.get(event.eventId);
  if (!proof) return 'has no inclusion proof';
  if (proof.leafIndex !== event.logSeq) return `proof is for leaf ${proof.leafIndex}, but the event is at log position ${event.logSeq}`;
  if (proof.treeSize !== checkpoint.treeSize) return `proof is for tree size ${proof.treeSize}, not the checkpoint's ${checkpoint.treeSize}`;
  const leaf = leafHash(Buffer.from(event.hash, 'hex'));
  if (leaf.toString('hex') !== proof.leafHash) return 'proof names another leaf hash';
  const path = proof.auditPath.map((h) => Buffer.from(h, 'hex'));
  if (!verifyInclusion(proof.leafIndex, proof.treeSize, leaf, path, Buffer.from(checkpoint.rootHash, 'hex'))) {
    return `inclusion proof does not verify against the signed root of tree size ${checkpoint.treeSize}`;
  }
  return undefined;
}
