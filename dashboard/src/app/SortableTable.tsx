/**
 * A table sorted by a clicked column header: each header is a button (keyboard operable), the
 * sorted column carries `aria-sort`, a second click reverses the order. Rows are sorted here,
 * so a column sorts by its raw value (a count, an epoch ms), not by its formatted text.
 */
import { useMemo, useState, type ReactElement, type ReactNode } from 'react';

/** A column: its header, the value it sorts by and how a cell shows it. */
export interface Column<T> {
  id: string;
  label: string;
  /** The value the column sorts by; numbers sort numerically, text by locale. */
  value(row: T): number | string;
  /** The cell's content; default: the value as text. */
  render?(row: T): ReactNode;
  /** Right-aligned, tabular figures; sorts descending first. */
  numeric?: boolean;
  /** Cells kept on one line (dates). */
  nowrap?: boolean;
}

type Direction = 'ascending' | 'descending';

/** A sortable table of `rows`, first sorted by `initial` (a column id) in `direction`. */
export function SortableTable<T>({
  label,
  rows,
  columns,
  rowKey,
  initial,
  direction = 'descending',
}: {
  label: string;
  rows: readonly T[];
  columns: ReadonlyArray<Column<T>>;
  rowKey(row: T): string;
  initial: string;
  direction?: Direction;
}): ReactElement {
  const [sort, setSort] = useState<{ id: string; direction: Direction }>({ id: initial, direction });
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.id === sort.id) ?? columns[0];
    if (!column) return [...rows];
    const sign = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sign * order;
    });
  }, [rows, columns, sort]);

  function toggle(column: Column<T>) {
    setSort((s) =>
      s.id === column.id
        ? { id: column.id, direction: s.direction === 'ascending' ? 'descending' : 'ascending' }
        : { id: column.id, direction: column.numeric ? 'descending' : 'ascending' },
    );
  }

  return (
    <table aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = c.id === sort.id;
            return (
              <th key={c.id} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? sort.direction : undefined}>
                <button type="button" className="sort" onClick={() => toggle(c)}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.id} className={[c.numeric ? 'num' : '', c.nowrap ? 'nowrap' : ''].join(' ').trim() || undefined}>
                {c.render ? c.render(row) : String(c.value(row))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
