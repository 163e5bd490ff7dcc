import { describe, expect, it } from 'vitest';
import { fileClauseOf, sqlWords } from './file-clauses.js';

describe('file clauses in read-only SQL', () => {
  it('finds INTO OUTFILE and FROM INFILE in any case and spacing', () => {
    expect(fileClauseOf("SELECT 1 INTO OUTFILE '/tmp/x' TRUNCATE")).toBe('INTO OUTFILE');
    expect(fileClauseOf("select 1 into\n\toutfile '/tmp/x' append")).toBe('INTO OUTFILE');
    expect(fileClauseOf("INSERT INTO t FROM INFILE '/etc/passwd' FORMAT CSV")).toBe('FROM INFILE');
    expect(fileClauseOf('SELECT 1 INTO/* hidden */OUTFILE \'x\'')).toBe('INTO OUTFILE');
  });

  it('ignores the words inside literals, quoted identifiers and comments', () => {
    expect(fileClauseOf("SELECT 'INTO OUTFILE' AS s")).toBeUndefined();
    expect(fileClauseOf("SELECT 'it''s into' AS a, 'outfile'")).toBeUndefined();
    expect(fileClauseOf('SELECT 1 AS "into outfile"')).toBeUndefined();
    expect(fileClauseOf('SELECT 1 -- INTO OUTFILE x\n')).toBeUndefined();
    expect(fileClauseOf('SELECT 1 # INTO OUTFILE x\n')).toBeUndefined();
    expect(fileClauseOf("SELECT count() FROM llm_calls WHERE agent = 'into' AND team = 'outfile'")).toBeUndefined();
  });

  it('reads escaped quotes as part of the literal', () => {
    expect(sqlWords("SELECT 'a\\' INTO OUTFILE' , b")).toEqual(['SELECT', 'B']);
  });
});
