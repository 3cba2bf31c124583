/**
 * WireGuard devices as netloom describes them: what `set` takes (the shape
 * of `wg set`), what `get` returns (the shape of `wg show`). Keys are base64
 * text, as wg prints them.
 * @module
 */

/** A WireGuard key (private, public or preshared): 32 bytes as base64, 44 characters ('...='), as `wg genkey` prints them. */
export type WireguardKey = string;

/** The device to act on: its name ('wg0'), or `{ index }` (its ifindex). */
export type WireguardDeviceRef = string | { index: number };

/** A peer's UDP endpoint. */
export interface WireguardEndpoint {
  /** IPv4 or IPv6 address (no brackets). */
  address: string;
  /** UDP port, 1..65535. */
  port: number;
}

/** One peer in {@link WireguardConfig.peers}: added if new, changed if present (the public key names it). */
export interface WireguardPeerConfig {
  /** The peer's public key (what names it). */
  publicKey: WireguardKey;
  /** Remove this peer (every other field but the key is ignored by the kernel). Equivalent to: `wg set wg0 peer KEY remove`. */
  remove?: boolean;
  /** Change the peer only if it exists (WGPEER_F_UPDATE_ONLY): never add it. */
  updateOnly?: boolean;
  /** The preshared key; `null` clears it (as `preshared-key /dev/null` does). */
  presharedKey?: WireguardKey | null;
  /** Where to send its packets: `'198.18.0.2:51820'`, `'[2001:db8::2]:51820'` or `{ address, port }`. */
  endpoint?: string | WireguardEndpoint;
  /** Prefixes routed to this peer ('198.18.1.0/24', '2001:db8:1::/64'), added to those it has unless `replaceAllowedIps`. */
  allowedIps?: readonly string[];
  /** Drop the peer's current allowed IPs first (what `wg set ... allowed-ips` always does); with no `allowedIps`, clears them. */
  replaceAllowedIps?: boolean;
  /** Seconds between keepalive packets, 1..65535; 0 turns them off (`persistent-keepalive off`). */
  persistentKeepalive?: number;
}

/**
 * What to change on a device: only the fields given are sent.
 * Equivalent to: `wg set wg0 private-key FILE listen-port N fwmark N peer KEY ...`.
 */
export interface WireguardConfig {
  /** The device's private key; `null` clears it (the device then has no identity). */
  privateKey?: WireguardKey | null;
  /** UDP port to listen on, 0..65535 (0: one the kernel picks). */
  listenPort?: number;
  /** Mark on the device's outgoing packets, 0 for none (`fwmark off`). */
  fwmark?: number;
  /** Remove every peer not in `peers` (WGDEVICE_F_REPLACE_PEERS, what `wg setconf` does). */
  replacePeers?: boolean;
  /** Peers to add, change or remove. */
  peers?: readonly WireguardPeerConfig[];
}

/** One peer as `get` decodes it (`wg show wg0 dump`). */
export interface WireguardPeer {
  /** Its public key. */
  publicKey: WireguardKey;
  /** Its preshared key; absent when it has none. */
  presharedKey?: WireguardKey;
  /** Its endpoint; absent until one is set or learned. */
  endpoint?: WireguardEndpoint;
  /** Prefixes routed to it, as 'ADDRESS/PREFIX'. */
  allowedIps: string[];
  /** Keepalive interval in seconds (0: off). */
  persistentKeepalive: number;
  /** When the last handshake completed; null if none has. */
  lastHandshake: Date | null;
  /** Bytes received from it. */
  rxBytes: number;
  /** Bytes sent to it. */
  txBytes: number;
  /** The protocol version the kernel speaks with it (1), when it says. */
  protocolVersion?: number;
}

/** A WireGuard device as `get` decodes it. */
export interface WireguardDevice {
  /** Its ifindex. */
  index: number;
  /** Its name. */
  name: string;
  /** Its private key; absent when it has none. */
  privateKey?: WireguardKey;
  /** The public key of its private key; absent when it has none. */
  publicKey?: WireguardKey;
  /** UDP port it listens on (0: not listening yet). */
  listenPort: number;
  /** Mark on its outgoing packets (0: none). */
  fwmark: number;
  /** Its peers. */
  peers: WireguardPeer[];
}
