/** The secrets the app of bench:alerts runs with (its tokens are signed with the JWT secret by the orchestrator). */
export const BENCH_SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };
