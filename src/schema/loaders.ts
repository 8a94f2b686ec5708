import DataLoader from 'dataloader';
import { RelationLoaders } from '../db/related-rows.js';

/**
 * Per-request batching of reads by id: every load of one kind and column set made while a
 * request resolves one level of its selection goes out as one statement. Nothing outlives the
 * request (a subscription's context gets a new set for each event).
 */
export class RequestLoaders {
  readonly #loaders = new Map<string, DataLoader<string, unknown>>();
  /** Pages and counts of one-to-many relations, for all the parents of a list at once. */
  readonly relations = new RelationLoaders();

  /**
   * The loader for `key` (a kind and its columns), made on first use: `load` reads the rows of
   * some ids; an id without a row resolves to null.
   */
  rows<Row extends { id: string }>(key: string, load: (ids: readonly string[]) => Promise<readonly Row[]>): DataLoader<string, Row | null> {
    let loader = this.#loaders.get(key) as DataLoader<string, Row | null> | undefined;
    if (!loader) {
      loader = new DataLoader<string, Row | null>(
        async (ids) => {
          const rows = await load(ids);
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        },
        // Sibling objects of a list resolve their fields over several microtasks (auth checks,
        // promises); one turn of the event loop gathers them all into one batch.
        { batchScheduleFn: (dispatch) => setImmediate(dispatch) },
      );
      this.#loaders.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}
