/** Remembers values computed from data at a given version; a new version recomputes. */
export class VersionedMemo<V> {
  private readonly entries = new Map<string, { version: number; value: V }>();
  constructor(private readonly maxEntries = 64) {}

  get(key: string, version: number, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, value });
    return value;
  }
}
