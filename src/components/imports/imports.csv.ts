import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../shared/errors/app.error';

export const LIMITS = {
  /** Data rows per file; a larger registry is imported in several files. */
  maxRows: 50_000,
  /** Characters in one record (a quoted multi-line cell counts whole). */
  maxRecordChars: 64 * 1024,
  /** Upload size of the route. */
  maxBytes: 20 * 1024 * 1024,
} as const;

export interface CsvRow {
  /** Line in the file where the record starts: the header is line 1, multi-line cells count every line. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: CsvRow;
  rows: CsvRow[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

const NEWLINE = /\n/g;

/** Splits CSV text into a header and data rows, each with the line it starts on. */
export function parseCsv(text: string): CsvTable {
  let records: ParsedRecord[];
  try {
    // csv-parse counts a CRLF inside a quoted cell as two lines; with one kind of line break it counts right.
    records = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: LIMITS.maxRecordChars,
      // One record past the limit tells us the file is too long without parsing all of it.
      to: LIMITS.maxRows + 2,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (error instanceof CsvError) throw malformed(error);
    throw error;
  }
  const [header, ...rows] = records.filter((r) => !isBlank(r.record)).map(toRow);
  if (!header || rows.length === 0) {
    throw new AppError('EMPTY_FILE', 400, 'Empty file', { detail: 'The file has no header row or no data rows' });
  }
  if (rows.length > LIMITS.maxRows) {
    throw new AppError('TOO_MANY_ROWS', 413, 'Too many rows', {
      detail: `A file may hold at most ${LIMITS.maxRows} data rows; split it into several files`,
    });
  }
  return { header, rows };
}

// csv-parse reports the line a record ends on; a record starts as many lines earlier as its cells hold line breaks.
function toRow({ record, info }: ParsedRecord): CsvRow {
  const breaks = record.reduce((n, cell) => n + (cell.match(NEWLINE)?.length ?? 0), 0);
  return { line: info.lines - breaks, cells: record };
}

// A line of only commas (Excel pads sheets with them) is as empty as an empty line.
function isBlank(record: string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

function malformed(error: CsvError): AppError {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = typeof line === 'number' ? ` near line ${line}` : '';
  const detail =
    error.code === 'CSV_MAX_RECORD_SIZE'
      ? `A record${where} is longer than ${LIMITS.maxRecordChars} characters`
      : `The file is not well-formed CSV${where}: ${error.message.split('.')[0] ?? error.code}`;
  return new AppError('MALFORMED_CSV', 400, 'Malformed CSV', { detail });
}
