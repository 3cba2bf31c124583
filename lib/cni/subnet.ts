/**
 * A CIDR's subnet (its network prefix) and first host address, for
 * gateways and masquerade exceptions.
 * @module
 */
import { isIPv6 } from 'node:net';
import { addrBytes, addrText } from '../nft/bytes.js';
import { CniError } from './errors.js';

/** `198.18.1.7/24` → `{ cidr: '198.18.1.0/24', first: '198.18.1.1' }`. */
export function subnetOf(address: string): { cidr: string; first: string } {
  const [ip, lenText] = address.split('/');
  const bytes = ip === undefined ? undefined : addrBytes(ip);
  const len = Number(lenText);
  const bits = isIPv6(ip ?? '') ? 128 : 32;
  if (bytes === undefined || !Number.isInteger(len) || len < 0 || len > bits) throw new CniError('decodingFailure', `address: ${JSON.stringify(address)} is not a CIDR`);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    bytes[i] = (bytes[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  const cidr = `${addrText(bytes)}/${len}`;
  const first = Buffer.from(bytes);
  first[first.length - 1] = (first[first.length - 1] as number) | 1;
  return { cidr, first: addrText(first) };
}
