/** One figure with its label, in the tiles row at the top of a page. */
import type { ReactElement } from 'react';

/** A tile: the value large, its label below. */
export function Tile({ label, value }: { label: string; value: string }): ReactElement {
  return (
    <div className="tile">
      <div className="tile-value">{value}</div>
      <div className="tile-label">{label}</div>
    </div>
  );
}
