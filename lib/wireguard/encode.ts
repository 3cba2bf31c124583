/**
 * WG_CMD_SET_DEVICE / WG_CMD_GET_DEVICE requests. A device with many peers
 * or allowed IPs does not fit one message (wireguard-tools builds each in a
 * 4096-byte buffer), so `setMessages` splits them exactly as wg's
 * kernel_set_device does: a message ends where the next attribute would not
 * fit, the next one carries the device name again and goes on from the
 * peer (and allowed IP) where the last stopped, and device settings, a
 * peer's keys, endpoint, keepalive and REPLACE_ALLOWEDIPS go only in the
 * first message that has them, so a later part never undoes an earlier one.
 * @module
 */
import { constant, type RawAttrs } from '../netlink/native.js';
import type { GenlMessage } from '../netlink/genl-native.js';
import type { CheckedConfig, CheckedDevice, CheckedPeer } from './validate.js';

/** The size of the buffer wg builds each message in (its mnl_ideal_socket_buffer_size on 4 KiB pages). */
export const MESSAGE_LIMIT = 4096;

const NLA_HDRLEN = 4;
const HEADERS = 16 + 4; // nlmsghdr + genlmsghdr
const attrLen = (payload: number): number => NLA_HDRLEN + ((payload + 3) & ~3);

function message(cmd: string, attrs: RawAttrs): GenlMessage {
  return { family: 'wireguard', header: { cmd: constant(cmd), version: constant('WG_GENL_VERSION') }, attrs };
}

function deviceAttrs(device: CheckedDevice): [RawAttrs, number] {
  if ('ifname' in device) return [{ ifname: device.ifname }, attrLen(Buffer.byteLength(device.ifname) + 1)];
  return [{ ifindex: device.ifindex }, attrLen(4)];
}

/** The WG_CMD_GET_DEVICE dump request for one device. Equivalent to: `wg show wg0 dump`. */
export function getRequest(device: CheckedDevice): GenlMessage {
  return message('WG_CMD_GET_DEVICE', deviceAttrs(device)[0]);
}

// Where the next message goes on from: a peer, and within it an allowed IP
// (-1: the peer has not been started, so its keys and settings are due).
interface Cursor {
  peer: number;
  ip: number;
}

// The attributes of one peer that fit in `room` bytes from `len`, or null
// when not even its start does (the peer then opens the next message).
function peerAttrs(p: CheckedPeer, at: Cursor, len: number): { attrs: RawAttrs; len: number; done: boolean } | null {
  const fits = (n: number): boolean => len + n <= MESSAGE_LIMIT;
  if (!fits(NLA_HDRLEN)) return null;
  len += NLA_HDRLEN;
  if (!fits(attrLen(32))) return null;
  const attrs: RawAttrs = { publicKey: p.publicKey };
  len += attrLen(32);
  let flags = (p.remove ? constant('WGPEER_F_REMOVE_ME') : 0) | (p.updateOnly ? constant('WGPEER_F_UPDATE_ONLY') : 0);
  if (at.ip < 0) {
    if (p.replaceAllowedIps) flags |= constant('WGPEER_F_REPLACE_ALLOWEDIPS');
    if (p.presharedKey !== undefined) {
      if (!fits(attrLen(32))) return null;
      attrs.presharedKey = p.presharedKey;
      len += attrLen(32);
    }
    if (p.endpoint !== undefined) {
      const n = attrLen(p.endpoint.family === 'inet' ? 16 : 28);
      if (!fits(n)) return null;
      attrs.endpoint = { address: p.endpoint.address, port: p.endpoint.port };
      len += n;
    }
    if (p.persistentKeepalive !== undefined) {
      if (!fits(attrLen(2))) return null;
      attrs.persistentKeepaliveInterval = p.persistentKeepalive;
      len += attrLen(2);
    }
  }
  if (flags !== 0) {
    if (!fits(attrLen(4))) return null;
    attrs.flags = flags;
    len += attrLen(4);
  }
  if (p.allowedIps.length === 0) return { attrs, len, done: true };
  if (at.ip < 0) at.ip = 0;
  // From here on the peer is sent even if its allowed IPs stop short (wg's toobig_allowedips).
  if (!fits(NLA_HDRLEN)) return { attrs, len, done: false };
  len += NLA_HDRLEN;
  const ips: RawAttrs[] = [];
  attrs.allowedips = ips;
  for (; at.ip < p.allowedIps.length; at.ip++) {
    const ip = p.allowedIps[at.ip] as CheckedPeer['allowedIps'][number];
    const n = NLA_HDRLEN + attrLen(2) + attrLen(ip.family === 'inet' ? 4 : 16) + attrLen(1);
    if (!fits(n)) return { attrs, len, done: false };
    ips.push({ family: constant(ip.family === 'inet' ? 'AF_INET' : 'AF_INET6'), ipaddr: ip.address, cidrMask: ip.prefixlen });
    len += n;
  }
  at.ip = -1;
  return { attrs, len, done: true };
}

/**
 * The WG_CMD_SET_DEVICE messages that apply `config` to `device`, in order:
 * one unless the peers do not fit. Equivalent to: `wg set wg0 ...`.
 */
export function setMessages(device: CheckedDevice, config: CheckedConfig): GenlMessage[] {
  const out: GenlMessage[] = [];
  const at: Cursor = { peer: 0, ip: -1 };
  // Each message takes at least one peer or allowed IP (a key is 36 bytes of 4096), so this ends.
  for (let first = true; first || at.peer < config.peers.length; first = false) {
    const [attrs, nameLen] = deviceAttrs(device);
    let len = HEADERS + nameLen;
    if (first) {
      // Not checked against the limit (wg's plain mnl_attr_put): they are first and small.
      if (config.privateKey !== undefined) [attrs.privateKey, len] = [config.privateKey, len + attrLen(32)];
      if (config.listenPort !== undefined) [attrs.listenPort, len] = [config.listenPort, len + attrLen(2)];
      if (config.fwmark !== undefined) [attrs.fwmark, len] = [config.fwmark, len + attrLen(4)];
      if (config.replacePeers) [attrs.flags, len] = [constant('WGDEVICE_F_REPLACE_PEERS'), len + attrLen(4)];
    }
    out.push(message('WG_CMD_SET_DEVICE', attrs));
    if (config.peers.length === 0) break;
    const peers: RawAttrs[] = [];
    attrs.peers = peers;
    len += NLA_HDRLEN;
    const start = { ...at };
    while (at.peer < config.peers.length) {
      const r = peerAttrs(config.peers[at.peer] as CheckedPeer, at, len);
      if (r === null) break;
      peers.push(r.attrs);
      len = r.len;
      if (!r.done) break;
      at.peer++;
    }
    if (at.peer === start.peer && at.ip === start.ip) throw new RangeError('wireguard.set: a peer does not fit in one message');
  }
  return out;
}
