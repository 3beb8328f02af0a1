/**
 * Where one authorize request's time went on the server, in milliseconds (bench:scales reads these
 * through DevicesComponent.observeAuthorize): `auth` — the signature headers, the device record,
 * the nonce claim and the seen-mark; `facts` — every fact the interlock decides on (cylinder and
 * its ledger state, station, enterprise, operator, locks); `decide` — the pure decision; `store` —
 * the decision's insert at the position taken beside the facts; `answer` — the JSON answer serialized and written; `total`
 * — from the signature check to the answer written (time spent in the body parser and the queue
 * before it is not the route's).
 */
export interface AuthorizeTiming {
  authMs: number;
  factsMs: number;
  decideMs: number;
  storeMs: number;
  answerMs: number;
  totalMs: number;
}

/** The stages the interlock service fills in (the route adds auth, answer and total). */
export type ServiceStages = Pick<AuthorizeTiming, 'factsMs' | 'decideMs' | 'storeMs'>;

export interface AuthorizeTimings {
  /** Whether anyone listens: the route measures only then. */
  readonly active: boolean;
  emit(timing: AuthorizeTiming): void;
  observe(listener: (timing: AuthorizeTiming) => void): () => void;
}

export function createAuthorizeTimings(): AuthorizeTimings {
  const listeners = new Set<(timing: AuthorizeTiming) => void>();
  return {
    get active() {
      return listeners.size > 0;
    },
    emit(timing) {
      for (const listener of listeners) listener(timing);
    },
    observe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
