/**
 * The batch's mesh id table. No TypeBox and no registry here: the browser client interns mesh
 * ids with it too (re-exported by `codec.ts`).
 */

/** Interns mesh id strings into the batch's `ids` table. */
export class IdTable {
  /** The table, in index order; goes into the batch as `ids`. */
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `id`, adding it if new. */
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }
}
