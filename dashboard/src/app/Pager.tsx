/** Previous and next page over a keyset-paged list (the API's `nextCursor`). */
import type { ReactElement } from 'react';

/**
 * The pager: `cursors` are the cursors of the pages after the first that were opened, in order
 * (the last one is the page shown); `next` is the shown page's `nextCursor`, null on the last.
 */
export function Pager({ cursors, next, onChange }: { cursors: readonly string[]; next: string | null | undefined; onChange(cursors: string[]): void }): ReactElement {
  return (
    <div className="pager">
      <button type="button" disabled={cursors.length === 0} onClick={() => onChange(cursors.slice(0, -1))}>
        Previous page
      </button>
      <span>Page {cursors.length + 1}</span>
      <button type="button" disabled={!next} onClick={() => next && onChange([...cursors, next])}>
        Next page
      </button>
    </div>
  );
}
