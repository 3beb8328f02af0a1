export type StorageErrorCode =
  | 'DATA_DIR_LOCKED'
  | 'JOURNAL_CLOSED'
  | 'JOURNAL_FAILED'
  | 'RECORD_TOO_LARGE'
  | 'SNAPSHOT_CORRUPT';

/** Every failure the durability layer reports on purpose carries a stable code the engine can switch on. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
