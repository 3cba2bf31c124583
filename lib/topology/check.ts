/**
 * The building blocks of the declaration checks: errors that name the path in
 * the declaration, and the checks of a value's shape.
 * @module
 */
import { type ValidateContext } from '../rtnl/link/kinds/kind.js';
import { checkIfname, join, show } from '../rtnl/link/kinds/check.js';

/** The operation every topology message starts with. */
export const OP = 'topology';
export const CTX: ValidateContext = { op: OP, mode: 'add' };

export function typeError(path: string, message: string): never {
  throw new TypeError(`${OP}: ${path}: ${message}`);
}

export function rangeError(path: string, message: string): never {
  throw new RangeError(`${OP}: ${path}: ${message}`);
}

/**
 * Run one of the library's own checks, whose messages read 'topology: FIELD:
 * ...', and re-prefix FIELD with `path` so that the message points into the
 * declaration.
 */
export function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if ((e instanceof TypeError || e instanceof RangeError) && e.message.startsWith(`${OP}: `)) {
      const rest = e.message.slice(OP.length + 2);
      const Ctor = e instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(`${OP}: ${path}${rest.startsWith('[') ? '' : '.'}${rest}`);
    }
    throw e;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function object(path: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) typeError(path, `must be an object, got ${show(v)}`);
  return v;
}

export function array(path: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) typeError(path, `must be a list, got ${show(v)}`);
  return v;
}

export function known(path: string, obj: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (obj[k] !== undefined && !keys.includes(k)) typeError(join(path, k), `unknown ${what} field (known: ${keys.join(', ')})`);
  }
}

export function bool(path: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') typeError(path, `must be true or false, got ${show(v)}`);
  return v;
}

export function linkName(path: string, v: unknown): string {
  if (typeof v === 'number') typeError(path, `give the link by name (an ifindex means nothing in a declaration), got ${v}`);
  return checkIfname(CTX, path, v);
}
