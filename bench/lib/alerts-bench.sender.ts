/**
 * bench:alerts, the event senders' process: `concurrency` clients POST the events they are given
 * one per request at a steady `rate`, and answer when each was accepted (its HTTP answer read,
 * absolute ms) and its status.
 */
/** `ping`: the event's index, sent as `x-bench-ping` so that the app broadcasts a bare message as it answers (the baseline beside the run). */
export type SenderCommand = { cmd: 'send'; url: string; rate: number; concurrency: number; events: { token: string; body: Record<string, unknown>; ping?: number }[] };
export type SenderAnswer = { kind: 'sent'; accepted: number[]; statuses: number[]; seconds: number };

const now = () => performance.timeOrigin + performance.now();

process.on('message', (raw: SenderCommand) => {
  void (async () => {
    const accepted = new Array<number>(raw.events.length).fill(0);
    const statuses = new Array<number>(raw.events.length).fill(0);
    let next = 0;
    const started = now();
    await Promise.all(
      Array.from({ length: raw.concurrency }, async () => {
        for (let i = next++; i < raw.events.length; i = next++) {
          const wait = started + (i * 1000) / raw.rate - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const e = raw.events[i] as SenderCommand['events'][number];
          const res = await fetch(`${raw.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json', ...(e.ping !== undefined ? { 'x-bench-ping': String(e.ping) } : {}) }, body: JSON.stringify(e.body) });
          await res.text();
          accepted[i] = now();
          statuses[i] = res.status;
        }
      }),
    );
    const answer: SenderAnswer = { kind: 'sent', accepted, statuses, seconds: (now() - started) / 1000 };
    process.send?.(answer);
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
