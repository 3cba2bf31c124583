/**
 * Two-way tables between the friendly names the API speaks ('blackhole',
 * 'permanent') and the kernel's numbers (RTN_BLACKHOLE, NUD_PERMANENT).
 *
 * The numbers come from the addon's UAPI constants, so they are looked up
 * once, on first use, and kept in Maps: decoding a 100,000-route dump asks
 * for several names per route, and scanning the constants each time cost
 * more than the decoding itself.
 * @module
 */
import { constant } from './native.js';

/** @internal A table of friendly name → UAPI constant name, resolved lazily. */
export class ConstantNames<Name extends string> {
  readonly #table: Readonly<Record<Name, string>>;
  #byName: Map<string, number> | undefined;
  #byNumber: Map<number, Name> | undefined;
  #entries: [Name, number][] | undefined;

  /** `table` maps each friendly name to the name of its constant; order is kept for flag lists. */
  constructor(table: Readonly<Record<Name, string>>) {
    this.#table = table;
  }

  #load(): [Name, number][] {
    if (this.#entries === undefined) {
      this.#entries = (Object.entries(this.#table) as [Name, string][]).map(([n, c]) => [n, constant(c)]);
      this.#byName = new Map(this.#entries);
      // The first name of a number wins (tables list the canonical one first).
      this.#byNumber = new Map();
      for (const [n, v] of this.#entries) if (!this.#byNumber.has(v)) this.#byNumber.set(v, n);
    }
    return this.#entries;
  }

  /** The friendly names, in table order. */
  get names(): Name[] {
    return Object.keys(this.#table) as Name[];
  }

  /** The number of a friendly name, or undefined. */
  get(name: string): number | undefined {
    this.#load();
    return this.#byName?.get(name);
  }

  /**
   * A friendly name or a plain number (0..max) as the kernel's number; fails
   * with a message naming `field` otherwise.
   */
  number(value: unknown, field: string, max = 255): number {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field}: must be 0..${max}, got ${value}`);
      return value;
    }
    const n = typeof value === 'string' ? this.get(value) : undefined;
    if (n === undefined) throw new TypeError(`${field}: must be one of ${this.names.join(', ')} or a number, got '${String(value)}'`);
    return n;
  }

  /** The friendly name of a kernel number, or the number when it has none. */
  name(n: number): Name | number {
    this.#load();
    return this.#byNumber?.get(n) ?? n;
  }

  /** The names of the bits set in `bits`, in table order. */
  flags(bits: number): Name[] {
    const out: Name[] = [];
    if (bits === 0) return out; // most routes: no walk over the table
    for (const [n, v] of this.#load()) if ((bits & v) !== 0) out.push(n);
    return out;
  }
}
