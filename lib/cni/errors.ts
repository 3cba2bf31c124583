/**
 * The CNI error object: a well-known code, a message naming what was wrong,
 * and details; what a plugin prints on stdout (with a non-zero exit) when it
 * cannot do what it was asked.
 * @module
 */
import type { CniVersion } from './types.js';

/** The specification's well-known error codes. */
export const CNI_ERRORS = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodingFailure: 6,
  invalidNetworkConfig: 7,
  tryAgainLater: 11,
  pluginNotAvailable: 50,
  limitedConnectivity: 51,
} as const;

/** One of {@link CNI_ERRORS}' names. */
export type CniErrorName = keyof typeof CNI_ERRORS;

/** A failure to report as the spec's error object. `code` is the number it carries. */
export class CniError extends Error {
  /** The well-known code (or a plugin's own, 100 and above). */
  readonly code: number;
  /** Longer text, for logs. */
  readonly details: string | undefined;

  constructor(code: CniErrorName | number, msg: string, details?: string) {
    super(msg);
    this.name = 'CniError';
    this.code = typeof code === 'number' ? code : CNI_ERRORS[code];
    this.details = details;
  }

  /** The object to print: `{ cniVersion, code, msg, details? }`. */
  toJSON(cniVersion: CniVersion = '1.1.0'): { cniVersion: CniVersion; code: number; msg: string; details?: string } {
    return { cniVersion, code: this.code, msg: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  /** Any thrown value as a CniError: netloom's own errors keep their message; kernel refusals are I/O failures. */
  static from(e: unknown): CniError {
    if (e instanceof CniError) return e;
    if (e instanceof TypeError || e instanceof RangeError) return new CniError('invalidNetworkConfig', e.message);
    const err = e as { message?: string; code?: string };
    return new CniError('ioFailure', err.message ?? String(e), err.code);
  }
}
