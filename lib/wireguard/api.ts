/**
 * WireGuard over generic netlink: `openWireguard()` (a handle of its own)
 * and `nl.wireguard` (the same, opened on first use in the rtnetlink
 * handle's namespace). Each resolves the `wireguard` family once
 * (CTRL_CMD_GETFAMILY), then sends WG_CMD_SET_DEVICE / WG_CMD_GET_DEVICE.
 * The kernel needs the wireguard module; without it every call rejects
 * with GenlFamilyError ("kernel does not support generic netlink family
 * 'wireguard'").
 * @module
 */
import { NetlinkError } from '../netlink/errors.js';
import { GenlSocket } from '../netlink/genl-socket.js';
import { native, type RawAttrs } from '../netlink/native.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { NetNs, NetnsRef } from '../netns/netns.js';
import { withOwnNetns } from '../netns/own.js';
import { decodeDevice } from './decode.js';
import { getRequest, setMessages } from './encode.js';
import type { WireguardConfig, WireguardDevice, WireguardDeviceRef } from './types.js';
import { checkConfig, checkDevice } from './validate.js';

/** Options of {@link openWireguard}. */
export interface WireguardOpenOptions extends OperationOptions {
  /** The namespace to work in (a {@link NetNs}, borrowed, or a reference to open one). Default: the calling thread's. */
  netns?: NetNs | NetnsRef;
}

/** The WireGuard devices of one namespace. */
export class Wireguard {
  /** The underlying generic netlink socket. */
  readonly socket: GenlSocket;
  readonly #netns: NetNs | undefined;

  /** @internal Use {@link openWireguard} or `nl.wireguard`. */
  constructor(socket: GenlSocket, ns?: NetNs) {
    this.socket = socket;
    this.#netns = ns;
  }

  /**
   * Change a device: its private key, listen port, fwmark and peers (only
   * what `config` gives). A long peer list goes in several messages, as wg
   * sends it; they are applied in order, and a failure stops at the part
   * that failed.
   *
   * Equivalent to: `wg set wg0 private-key FILE listen-port 51820 fwmark 0x42 peer KEY preshared-key FILE endpoint 198.18.0.2:51820 allowed-ips 198.18.1.0/24 persistent-keepalive 25`
   * (`wg set wg0 peer KEY remove` for `{ peers: [{ publicKey, remove: true }] }`; `wg setconf` is `replacePeers`, `fwmark: 0` unless the file sets one, and `replaceAllowedIps` on each peer)
   */
  async set(device: WireguardDeviceRef, config: WireguardConfig, opts: OperationOptions = {}): Promise<void> {
    const op = 'wireguard.set';
    const messages = setMessages(checkDevice(op, device), checkConfig(op, config));
    const family = await this.socket.family('wireguard', op, opts);
    // Errors carry the device, not the config: it holds the private key, and errors get logged.
    for (const m of messages) await this.socket.request(op, family.id, 0, m, opts, { device });
  }

  /**
   * A device's keys, port, fwmark and peers, with each peer's endpoint,
   * allowed IPs, last handshake and transfer counters.
   *
   * Equivalent to: `wg show wg0 dump`
   */
  async get(device: WireguardDeviceRef, opts: OperationOptions = {}): Promise<WireguardDevice> {
    const op = 'wireguard.get';
    const request = getRequest(checkDevice(op, device));
    const family = await this.socket.family('wireguard', op, opts);
    const replies = await this.socket.collect(op, family.id, request, opts);
    const parts = replies
      .filter((r) => r.type === family.id)
      .map((r) => native.genl.decodePayload('wireguard', (r as { payload?: Buffer }).payload ?? Buffer.alloc(0)).attrs as RawAttrs);
    return decodeDevice(parts);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Close the socket (devices stay as they are). Idempotent. */
  async close(): Promise<void> {
    this.socket.close();
    this.#netns?.close();
  }

  /** `await using wg = await openWireguard()` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Open a WireGuard handle in the current namespace or in `opts.netns`.
 *
 * ```ts
 * await using wg = await openWireguard({ netns: 'ns1' });
 * await wg.set('wg0', { privateKey: generatePrivateKey(), listenPort: 51820 });
 * ```
 */
export async function openWireguard(opts: WireguardOpenOptions = {}): Promise<Wireguard> {
  const { netns, ...rest } = opts;
  return withOwnNetns(netns, async (fd, ns) => new Wireguard(await GenlSocket.open(fd, rest), ns));
}

/**
 * `nl.wireguard`: {@link Wireguard}'s `set` and `get` in the namespace of an
 * rtnetlink handle, on a generic netlink socket opened at the first call
 * and closed with the handle.
 */
export class WireguardApi {
  readonly #netnsFd: () => number;
  #wg: Promise<Wireguard> | undefined;
  #closed = false;

  /** @internal Made by the rtnetlink handle, with its namespace's fd. */
  constructor(netnsFd: () => number) {
    this.#netnsFd = netnsFd;
  }

  #open(op: string): Promise<Wireguard> {
    if (this.#closed) return Promise.reject(new NetlinkError(op, 'EBADF', 9, { message: 'the netlink handle is closed' }));
    if (this.#wg === undefined) {
      const wg = GenlSocket.open(this.#netnsFd()).then((s) => new Wireguard(s));
      this.#wg = wg;
      wg.catch(() => {
        if (this.#wg === wg) this.#wg = undefined;  // the next call tries again
      });
    }
    return this.#wg;
  }

  /** See {@link Wireguard.set}. Equivalent to: `wg set wg0 ...` */
  async set(device: WireguardDeviceRef, config: WireguardConfig, opts: OperationOptions = {}): Promise<void> {
    checkConfig('wireguard.set', config);
    checkDevice('wireguard.set', device);
    return (await this.#open('wireguard.set')).set(device, config, opts);
  }

  /** See {@link Wireguard.get}. Equivalent to: `wg show wg0 dump` */
  async get(device: WireguardDeviceRef, opts: OperationOptions = {}): Promise<WireguardDevice> {
    checkDevice('wireguard.get', device);
    return (await this.#open('wireguard.get')).get(device, opts);
  }

  /** @internal Close the socket, if one was opened (the handle's close does). */
  async close(): Promise<void> {
    this.#closed = true;
    const wg = this.#wg;
    this.#wg = undefined;
    if (wg !== undefined) await wg.then((w) => w.close(), () => undefined);
  }
}
