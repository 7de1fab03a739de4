// Reading kubectl's human-readable output in tests: tables cut at the header's column offsets, blocks, ages.

/** A printed table: its header line, the column names and each row's cells (trimmed). */
export interface PrintedTable {
  headerLine: string;
  headers: string[];
  rows: string[][];
}

/**
 * An AGE cell as apimachinery's duration.HumanDuration prints it (`45s`, `2m`, `9m59s`, `3h`, `7h59m`, `2d`, `7d23h`,
 * `2y`, `7y364d`).
 */
export const AGE = /^(\d+s|\d+m(\d+s)?|\d+h(\d+m)?|\d+d(\d+h)?|\d+y(\d+d)?)$/;

/**
 * Parses one kubectl table. kubectl's tabwriter left-aligns every cell at its column's start and separates columns
 * with at least three spaces, so a header name is a run of words joined by single spaces (`NODE SELECTOR`), and each
 * row's cell is the text between that column's offset and the next one's. Empty cells come out as ''.
 */
export function parseTable(text: string): PrintedTable {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const headerLine = lines[0] ?? '';
  const starts: number[] = [];
  const headers: string[] = [];
  for (const m of headerLine.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index);
    headers.push(m[0]);
  }
  const rows = lines.slice(1).map((line) =>
    starts.map((start, i) => {
      const end = starts[i + 1];
      return (end === undefined ? line.slice(start) : line.slice(start, end)).trim();
    }),
  );
  return { headerLine, headers, rows };
}

/** The cells of the row whose first cell is `name` (or undefined). */
export function row(table: PrintedTable, name: string): string[] | undefined {
  return table.rows.find((r) => r[0] === name);
}

/** The first cell of every row. */
export function names(table: PrintedTable): string[] {
  return table.rows.map((r) => r[0] ?? '');
}

/** Splits multi-type output (`get pods,ds`, `get all`) into its blank-line-separated tables. */
export function blocks(text: string): PrintedTable[] {
  return text
    .split(/\n\s*\n/)
    .filter((b) => b.trim() !== '')
    .map(parseTable);
}
