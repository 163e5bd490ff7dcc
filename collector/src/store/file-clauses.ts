/**
 * Clauses that make ClickHouse's client side read or write local files: `INTO OUTFILE`
 * (`SELECT … INTO OUTFILE 'path' [TRUNCATE|APPEND]`) and `FROM INFILE`. A server ignores
 * them over HTTP, but embedded chDB is its own client and carries them out with this
 * process's rights, whatever `readonly=1` says. Read-only queries refuse them.
 */
const FILE_CLAUSES: ReadonlyArray<readonly [string, string]> = [
  ['INTO', 'OUTFILE'],
  ['FROM', 'INFILE'],
];

/** The file clause `sql` uses (e.g. `INTO OUTFILE`), or undefined. */
export function fileClauseOf(sql: string): string | undefined {
  const words = sqlWords(sql);
  for (let i = 0; i + 1 < words.length; i++) {
    for (const [a, b] of FILE_CLAUSES) if (words[i] === a && words[i + 1] === b) return `${a} ${b}`;
  }
  return undefined;
}

/**
 * The bare words of `sql`, upper-cased, in order: what is left outside string literals,
 * quoted identifiers and comments (`--`, `#`, `/* … *\/`), so `SELECT 'INTO OUTFILE'` or a
 * column named `"into outfile"` is no clause.
 */
export function sqlWords(sql: string): string[] {
  const words: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      i = endOfQuoted(sql, i, c);
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_]/.test(sql[i])) i++;
      words.push(sql.slice(start, i).toUpperCase());
    } else {
      i++;
    }
  }
  return words;
}

/** Index just past the quoted token opening at `i` (backslash escapes and doubled quotes). */
function endOfQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === '\\') j += 2;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
