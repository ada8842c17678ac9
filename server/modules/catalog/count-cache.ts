/**
 * The counted matches of a search — its 2,048-cell histogram and, for a text query, every matching
 * key in key order — kept per normalised filters and catalogue version. A user who clicks a facet,
 * changes the sort or pages re-asks the same text; with this only the first request pays the pass
 * over every match (0.15 – 0.3 µs a match at 10⁶ instruments, 30 – 45 ms for 175,000).
 *
 * Correct across processes and nodes: the version is read on the search's own snapshot, and
 * triggers move it in the transaction of every change to an instrument, whichever node writes.
 * Bounded by bytes, least recently used first: keys are held in a Float64Array (8 bytes each; they
 * are 52-bit integers), a histogram is 8 KB. An answer larger than the whole bound is used once and
 * not kept. Promises are held, so requests at one version share one count.
 */
import { LRUCache } from 'lru-cache';

export interface Counted {
  histogram: Int32Array;
  /** Every match in key order, when the filters are text alone (the page walks against them). */
  keys: Float64Array | null;
}

interface Entry {
  version: number;
  value: Promise<Counted>;
}

/** Default bound: 64 MiB holds ~30 of the broadest terms at 10⁶ instruments (250,000 keys, 2 MB each). */
export const DEFAULT_COUNT_CACHE_BYTES = 64 * 2 ** 20;
const ENTRY_OVERHEAD = 200;

export const countedBytes = (c: Counted) => c.histogram.byteLength + (c.keys?.byteLength ?? 0) + ENTRY_OVERHEAD;

export class CountCache {
  /** A pending count weighs 1 byte until it resolves (its size is known then). */
  private readonly entries: LRUCache<string, Entry> | null;
  private latest = -Infinity;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = DEFAULT_COUNT_CACHE_BYTES) {
    this.entries = maxBytes > 0 ? new LRUCache({ maxSize: maxBytes, maxEntrySize: maxBytes }) : null;
  }

  /** Bytes held by the entries counted so far. */
  get heldBytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  get(key: string, version: number, compute: () => Promise<Counted>): Promise<Counted> {
    if (version > this.latest) {
      // Nothing counted at an older version can be asked again by a request that stores: drop it all.
      this.latest = version;
      this.clear();
    }
    const hit = this.entries?.get(key);
    if (hit && hit.version === version) {
      this.hits++;
      return hit.value;
    }
    this.misses++;
    const value = compute();
    // A snapshot older than what is held counts for itself and leaves the newer entries alone.
    const entries = this.entries;
    if (version < this.latest || !entries) return value;
    const entry: Entry = { version, value };
    entries.set(key, entry, { size: 1 });
    value.then(
      // Weighed once counted: one larger than the whole bound is dropped (maxEntrySize), others evict
      // the least recently used.
      (counted) => {
        if (entries.peek(key) === entry) entries.set(key, entry, { size: countedBytes(counted) });
      },
      () => {
        if (entries.peek(key) === entry) entries.delete(key);
      },
    );
    return value;
  }

  clear(): void {
    this.entries?.clear();
  }
}
