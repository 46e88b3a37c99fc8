// Reads remembered until the next commit to the database, by any connection of any process
// (Database.changeMark: SQLite's data_version). Nothing is remembered where the mark is unknown
// (PostgreSQL): every read goes to the server.

export class MemoUntilCommit<K, V> {
  private mark: number | null = null;
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly changeMark: () => number | null,
    /** entries kept at most; the oldest go first */
    private readonly limit: number,
  ) {}

  /** What `load` read for `key` while nothing was committed since; else `load()`, remembered. */
  async read(key: K, load: () => Promise<V>): Promise<V> {
    const before = this.changeMark();
    if (before === null) return load();
    if (before !== this.mark) {
      this.entries.clear();
      this.mark = before;
    } else if (this.entries.has(key)) {
      return this.entries.get(key) as V;
    }
    const value = await load();
    // a commit during the load: what was read may be on either side of it, so it is not kept
    if (this.mark === before && this.changeMark() === before) {
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K);
      this.entries.set(key, value);
    }
    return value;
  }
}
