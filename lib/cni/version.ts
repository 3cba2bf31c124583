/**
 * Versions: which the plugins speak, which operations each has, and a
 * result in the form an older runtime reads (0.3.x and 0.4.0 say each
 * address's IP version).
 * @module
 */
import { isIPv6 } from 'node:net';
import { CniError } from './errors.js';
import type { CniCommand, CniResult, CniVersion } from './types.js';

/** Every version netloom's plugins speak, oldest first. */
export const SUPPORTED_VERSIONS: readonly CniVersion[] = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

function at(v: CniVersion): number {
  return SUPPORTED_VERSIONS.indexOf(v);
}

/** Throw the spec's incompatible-version error if `command` does not exist in `version`. */
export function checkCommandVersion(command: CniCommand, version: CniVersion): void {
  if (command === 'CHECK' && at(version) < at('0.4.0')) throw new CniError('incompatibleVersion', `CHECK needs cniVersion 0.4.0 or later, the configuration says ${version}`);
  if ((command === 'STATUS' || command === 'GC') && at(version) < at('1.1.0')) throw new CniError('incompatibleVersion', `${command} needs cniVersion 1.1.0, the configuration says ${version}`);
}

/** A result in the form of `version` (for 0.3.x/0.4.0: `version: '4'|'6'` on each address). */
export function resultFor(result: CniResult, version: CniVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result, cniVersion: version };
  if (at(version) < at('1.0.0') && result.ips !== undefined) {
    out.ips = result.ips.map((ip) => ({ version: isIPv6(ip.address.split('/')[0] ?? '') ? '6' : '4', ...ip }));
  }
  return out;
}

/** A result from an IPAM or chained plugin of any version, in the 1.x form. */
export function normaliseResult(v: unknown, version: CniVersion): CniResult {
  if (typeof v !== 'object' || v === null) throw new CniError('decodingFailure', 'result: must be a JSON object');
  const o = v as Record<string, unknown>;
  const ips = Array.isArray(o.ips) ? o.ips.map((ip) => {
    const { version: _v, ...rest } = ip as Record<string, unknown>;
    return rest as unknown as NonNullable<CniResult['ips']>[number];
  }) : undefined;
  return { ...(o as object), cniVersion: version, ...(ips === undefined ? {} : { ips }) } as CniResult;
}
