/**
 * WireGuard keys: Curve25519 (X25519) key pairs and preshared keys made with
 * Node's own crypto, and base64 text checked to be 32 bytes, naming the field.
 * @module
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { WireguardKey } from './types.js';

const KEY_LEN = 32;
// The DER prefix of an X25519 PKCS#8 private key (RFC 8410): the 32 key bytes follow it.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** A key's 32 bytes from its base64 text; TypeError naming `field` for anything else. */
export function keyBytes(key: unknown, field: string): Buffer {
  if (typeof key !== 'string' || !BASE64.test(key)) {
    // The text is not echoed: it may be a key in another encoding, and messages get logged.
    const got = typeof key === 'string' ? `a string of ${key.length} characters` : typeof key;
    throw new TypeError(`${field}: must be a WireGuard key: 32 bytes as base64 (44 characters, as \`wg genkey\` prints), got ${got}`);
  }
  const b = Buffer.from(key, 'base64');
  if (b.length !== KEY_LEN || b.toString('base64') !== key) throw new TypeError(`${field}: not a canonical base64 encoding of 32 bytes`);
  return b;
}

/** 32 bytes as the base64 text wg prints. */
export function keyText(bytes: Buffer): WireguardKey {
  return bytes.toString('base64');
}

/** A new private key. Equivalent to: `wg genkey`. */
export function generatePrivateKey(): WireguardKey {
  const { privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return keyText(der.subarray(der.length - KEY_LEN));
}

/** The public key of a private key. Equivalent to: `echo PRIVATE | wg pubkey`. */
export function publicKeyOf(privateKey: WireguardKey): WireguardKey {
  const raw = keyBytes(privateKey, 'privateKey');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return keyText(spki.subarray(spki.length - KEY_LEN));
}

/** A new preshared key (32 random bytes). Equivalent to: `wg genpsk`. */
export function generatePresharedKey(): WireguardKey {
  return keyText(randomBytes(KEY_LEN));
}
