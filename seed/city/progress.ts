/**
 * The first start's progress, on the terminal (stdout, never the log): a bar redrawn in place on a
 * TTY, a line every tenth otherwise (CI logs, `npm start > file`).
 */
export interface ProgressBar {
  update(label: string, done: number, total: number): void;
  finish(text: string): void;
}

export function progressBar(out: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout): ProgressBar {
  const tty = 'isTTY' in out && out.isTTY === true;
  const started = Date.now();
  let lastTenth = -1;
  let lastDraw = 0;
  return {
    update(label, done, total) {
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      if (tty) {
        if (Date.now() - lastDraw < 100 && done < total) return;
        lastDraw = Date.now();
        const width = 30;
        const filled = Math.round(ratio * width);
        out.write(`\r  ${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}  ${seconds}s `);
        return;
      }
      const tenth = Math.floor(ratio * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      out.write(`  ${label} ${Math.round(ratio * 100)}% (${done}/${total}, ${seconds}s)\n`);
    },
    finish(text) {
      out.write(`${tty ? '\n' : ''}${text}\n`);
    },
  };
}
