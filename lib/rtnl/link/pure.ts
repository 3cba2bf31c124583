/**
 * The pure half of the link API in one module (api.ts is the I/O half):
 * checking what callers pass (validate.ts), building the rtnetlink requests
 * (encode.ts), decoding kernel replies (decode.ts) and rewriting kernel
 * errors (errors.ts), for tests and tools that exercise them together.
 *
 * Nothing here loads the native addon: kernel constants come in as a
 * {@link ConstantLookup} argument and LinkRefs that need an ifindex come in
 * already resolved, so every function can be tested with plain tables.
 * @module
 */
export type { ConstantLookup } from './kinds/kind.js';
export * from './types.js';
export * from './validate.js';
export * from './encode.js';
export * from './decode.js';
export * from './errors.js';
