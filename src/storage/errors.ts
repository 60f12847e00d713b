/** A SQLite failure in plain words, from its code (the library's message may name paths). */
export function sqliteProblem(error: unknown): string {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code.startsWith('SQLITE_READONLY')) return 'it is read-only';
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return 'another connection holds its write lock';
  if (code.startsWith('SQLITE_IOERR')) return 'the disk refused the write (I/O error)';
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return 'the file is damaged';
  return code ? `SQLite error ${code}` : 'it is closed';
}
