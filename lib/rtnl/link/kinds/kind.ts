/**
 * The contract a link kind file fulfils ({@link KindModule}) and the value
 * types it speaks in: how a link or a namespace is named, how kernel
 * constants are looked up, what `validate` and `encode` receive.
 *
 * Pure: nothing here loads the native addon (the import of netns.ts is
 * type-only).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { NetNs } from '../../../netns/netns.js';

/** A link named by its interface name (or an alternative name) or by its ifindex. */
export type LinkRef = string | number;

/**
 * A network namespace to create a link in or move it to: an open
 * {@link NetNs} handle (sent as IFLA_NET_NS_FD) or a process whose namespace
 * to use (`{ pid }`, sent as IFLA_NET_NS_PID, like `ip link set X netns PID`).
 */
export type NetnsTarget = NetNs | { pid: number };

/** Looks up a kernel UAPI constant by name (`constant` from native.ts, or a table in tests). */
export type ConstantLookup = (name: string) => number;

/** What a kind file's `validate` receives about the call it checks. */
export interface ValidateContext {
  /** The operation named at the start of every message: 'link.add', 'link.set', ... */
  readonly op: string;
  /** Creating a link (required options enforced) or changing one. */
  readonly mode: 'add' | 'set';
}

/** What a kind file's `encode` receives besides the (validated) options. */
export interface EncodeEnv {
  /** Kernel constants by name. */
  readonly k: ConstantLookup;
  /** Ifindexes of the LinkRef options named in {@link KindModule.refs}, by option name. */
  readonly resolved: Readonly<Record<string, number>>;
  /** Creating a link or changing one. */
  readonly mode: 'add' | 'set';
}

/** A second link made by an `add` (a veth peer), to finish by name once it exists ({@link KindModule.deferredEnd}). */
export interface DeferredEnd {
  /** Its name, in the namespace the request is sent in. */
  readonly name: string;
  /** The held-back settings: `addrGenMode` and `up`. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * The contract of one link kind file (lib/link-kinds/KIND.ts). Type
 * parameters carry the kind's literal, its `add` options, its `set` options
 * and its decoded fields, so the registry in index.ts derives every public
 * type from one line per kind.
 */
export interface KindModule<K extends string, A extends object, S extends object, I extends object> {
  /** The IFLA_INFO_KIND string. */
  readonly kind: K;
  /** The kind's own option names accepted by `add` (beyond the common ones). */
  readonly options: readonly string[];
  /** The subset of options the kernel lets `set` change (with `kind` given). */
  readonly setOptions: readonly string[];
  /** Whether `add` takes `parent` (IFLA_LINK): required, optional, or not at all. */
  readonly parent: 'required' | 'optional' | 'none';
  /** Option names whose value is a {@link LinkRef} to resolve to an ifindex before encoding. */
  readonly refs: readonly string[];
  /**
   * Check the kind's own options (unknown names are rejected before this is
   * called). Throws TypeError/RangeError naming `path + option`.
   */
  validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void;
  /** The IFLA_INFO_DATA attributes for validated options (`data` absent when there is nothing to send). */
  encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs };
  /** Friendly fields from the IFLA_INFO_DATA of a kernel reply. */
  decode(data: RawAttrs, k: ConstantLookup): I;
  /**
   * Optional, for a kind whose `add` request also makes a second link
   * (veth's peer): validated options as the create request takes them,
   * without what must wait until that link exists. Applied before `encode`.
   */
  forCreate?(spec: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
  /**
   * Optional, with `forCreate`: the second link's name and the settings
   * held back from the create request, to send by name once it exists;
   * undefined when there is nothing to send.
   */
  deferredEnd?(spec: Readonly<Record<string, unknown>>): DeferredEnd | undefined;
  /** Optional: decoded fields that come from the link's own attributes, not IFLA_INFO_DATA (veth: its peer from IFLA_LINK). */
  fromLink?(link: { readonly parent: number | undefined }): Partial<I>;
  /** Type-level only (never set): the `add` options of the kind. */
  readonly __add?: A;
  /** Type-level only (never set): the `set` options of the kind. */
  readonly __set?: S;
}

/**
 * The module of a kind with no options and no IFLA_INFO_DATA (ifb, dummy):
 * nothing to check, send or decode.
 */
export function optionlessKind<K extends string, A extends object>(kind: K): KindModule<K, A, Record<never, never>, Record<never, never>> {
  return {
    kind,
    options: [],
    setOptions: [],
    parent: 'none',
    refs: [],
    validate: () => undefined,
    encode: () => ({}),
    decode: () => ({}),
  };
}

/**
 * The module of a kind that is `base` under another name, the same options,
 * checks, encoding and decoding (macvtap of macvlan, ipvtap of ipvlan); only
 * the `add` options type differs, by its `kind` literal.
 */
export function twinKind<K extends string, A extends object, S extends object, I extends object>(
  base: KindModule<string, object, S, I>,
  kind: K,
): KindModule<K, A, S, I> {
  const { kind: _baseKind, __add: _baseAdd, ...rest } = base;
  return { kind, ...rest };
}

/** A kind module with its type parameters erased, as the registry stores them. */
export type AnyKindModule = KindModule<string, object, object, object>;
