/**
 * WG_CMD_GET_DEVICE replies as a {@link WireguardDevice}. The kernel splits
 * a large device over several messages, repeating the device's fields and
 * continuing a peer whose allowed IPs did not fit under its public key
 * again: the parts are joined back into one device, as wg does.
 * @module
 */
import { rawNum, type RawAttrs } from '../netlink/native.js';
import { keyText } from './keys.js';
import type { WireguardDevice, WireguardEndpoint, WireguardPeer } from './types.js';

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);
const key = (v: unknown): string | undefined => (Buffer.isBuffer(v) && v.length === 32 && !isZero(v) ? keyText(v) : undefined);
const list = (v: unknown): RawAttrs[] => (Array.isArray(v) ? (v as RawAttrs[]) : []);

function allowedIp(a: RawAttrs): string {
  return `${String(a.ipaddr)}/${rawNum(a.cidrMask)}`;
}

function lastHandshake(v: unknown): Date | null {
  const t = v as { sec?: unknown; nsec?: unknown } | undefined;
  const sec = rawNum(t?.sec);
  const nsec = rawNum(t?.nsec);
  return sec === 0 && nsec === 0 ? null : new Date(sec * 1000 + Math.floor(nsec / 1e6));
}

function endpoint(v: unknown): WireguardEndpoint | undefined {
  const e = v as { address?: unknown; port?: unknown } | undefined;
  return typeof e?.address === 'string' ? { address: e.address, port: rawNum(e.port) } : undefined;
}

/** One peer's attributes (WGPEER_A_*). */
export function decodePeer(a: RawAttrs): WireguardPeer {
  const peer: WireguardPeer = {
    publicKey: key(a.publicKey) ?? '',
    allowedIps: list(a.allowedips).map(allowedIp),
    persistentKeepalive: rawNum(a.persistentKeepaliveInterval),
    lastHandshake: lastHandshake(a.lastHandshakeTime),
    rxBytes: rawNum(a.rxBytes),
    txBytes: rawNum(a.txBytes),
  };
  const psk = key(a.presharedKey);
  if (psk !== undefined) peer.presharedKey = psk;
  const ep = endpoint(a.endpoint);
  if (ep !== undefined) peer.endpoint = ep;
  if (a.protocolVersion !== undefined) peer.protocolVersion = rawNum(a.protocolVersion);
  return peer;
}

/** The device in the attributes (WGDEVICE_A_*) of every part of one GET_DEVICE answer, in order. */
export function decodeDevice(parts: RawAttrs[]): WireguardDevice {
  const dev: WireguardDevice = { index: 0, name: '', listenPort: 0, fwmark: 0, peers: [] };
  for (const a of parts) {
    if (a.ifindex !== undefined) dev.index = rawNum(a.ifindex);
    if (typeof a.ifname === 'string') dev.name = a.ifname;
    const priv = key(a.privateKey);
    if (priv !== undefined) dev.privateKey = priv;
    const pub = key(a.publicKey);
    if (pub !== undefined) dev.publicKey = pub;
    if (a.listenPort !== undefined) dev.listenPort = rawNum(a.listenPort);
    if (a.fwmark !== undefined) dev.fwmark = rawNum(a.fwmark);
    for (const p of list(a.peers).map(decodePeer)) {
      const last = dev.peers[dev.peers.length - 1];
      // A peer continued from the previous part: the same key, more allowed IPs.
      if (last !== undefined && last.publicKey === p.publicKey) last.allowedIps.push(...p.allowedIps);
      else dev.peers.push(p);
    }
  }
  return dev;
}
