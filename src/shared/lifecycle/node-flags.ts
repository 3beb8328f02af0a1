/**
 * The options the platform's Node process runs with: `npm start` and the Dockerfile pass them on
 * the command line (a test keeps the three in step), and the benchmarks start their app and
 * database processes with them, so that what they measure is what is deployed.
 *
 * `--max-semi-space-size=64` (MB): V8's young generation may grow to 64 MB semi-spaces instead of
 * 16, so the short-lived garbage of requests (BSON, JSON, driver cursors) is scavenged about a
 * quarter as often. Each scavenge stops the event loop for a few milliseconds, and every request
 * in flight waits it out: bench:scales measured authorize p50 8.7 against 10.2 ms and p99 22.0
 * against 28.6 ms with and without it (bench/README.md). The new space may then reach 128 MB
 * instead of 32 (two semi-spaces; measured with v8.getHeapSpaceStatistics), grown only as far as
 * the allocation rate needs.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
