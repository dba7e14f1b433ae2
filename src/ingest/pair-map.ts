/**
 * A map keyed by a pair of ids (a group and a member): one small map per group. Ingest
 * looks pairs up for every event, and a `${group}|${member}` string key cost a string
 * built and hashed each time.
 */
export class PairMap<V> {
  readonly #byFirst = new Map<number, Map<number, V>>();

  get(first: number, second: number): V | undefined {
    return this.#byFirst.get(first)?.get(second);
  }

  set(first: number, second: number, value: V): void {
    let inner = this.#byFirst.get(first);
    if (inner === undefined) this.#byFirst.set(first, (inner = new Map()));
    inner.set(second, value);
  }

  has(first: number, second: number): boolean {
    return this.#byFirst.get(first)?.has(second) === true;
  }
}
