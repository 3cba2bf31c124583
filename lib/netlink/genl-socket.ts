/**
 * The typed wrapper over one native NETLINK_GENERIC socket: the same engine
 * as {@link RtnlSocket} (requests, dumps, AbortSignal, NetlinkError), plus
 * the family resolver every generic netlink family's API starts from
 * (`family('wireguard')`, cached per socket).
 * @module
 */
import { native, constant, type NativeSocket, type RawReply } from './native.js';
import { AbortError, NetlinkError } from './errors.js';
import { RtnlSocket, openNativeSocket, throwIfAborted, type DumpOptions, type OperationOptions } from './socket.js';
import { familyError, familyFromReplies, getFamilyRequest, type GenlFamily } from './genl-family.js';
import type { GenlMessage } from './genl-native.js';

const leaks = new FinalizationRegistry<string>((what) => {
  process.emitWarning(`netloom: ${what} was garbage-collected without close()`, 'NetloomLeakWarning');
});

/** One generic netlink socket, bound to the namespace it was opened in. */
export class GenlSocket {
  #sock: NativeSocket | undefined;
  readonly #engine: RtnlSocket;
  readonly #token = {};
  // Resolved families by name. A failure is not kept: the module may be loaded later.
  readonly #families = new Map<string, Promise<GenlFamily>>();

  private constructor(sock: NativeSocket) {
    this.#sock = sock;
    this.#engine = RtnlSocket.borrow(sock);
    leaks.register(this, 'a generic netlink handle', this.#token);
  }

  /** Open NETLINK_GENERIC in the namespace behind `netnsFd` (-1 for the current one). */
  static async open(netnsFd: number, opts: OperationOptions = {}): Promise<GenlSocket> {
    return new GenlSocket(await openNativeSocket(netnsFd, constant('NETLINK_GENERIC'), opts));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#sock === undefined;
  }

  /**
   * The family `name` as the kernel registered it (CTRL_CMD_GETFAMILY, asked
   * once per socket). Rejects with GenlFamilyError when the kernel has no
   * such family.
   */
  family(name: string, operation = 'genl.family', opts: OperationOptions = {}): Promise<GenlFamily> {
    let p = this.#families.get(name);
    if (p === undefined) {
      p = this.#resolve(name, operation, opts);
      this.#families.set(name, p);
      p.catch(() => this.#families.delete(name));
    }
    return p;
  }

  async #resolve(name: string, operation: string, opts: OperationOptions): Promise<GenlFamily> {
    let replies: RawReply[];
    try {
      replies = await this.#engine.request(operation, constant('GENL_ID_CTRL'), 0, getFamilyRequest(name), opts, { family: name });
    } catch (e) {
      throw familyError(e, operation, name);
    }
    const f = familyFromReplies(replies);
    if (f === undefined) throw new NetlinkError(operation, 'EPROTO', 71, { message: `the controller did not describe family '${name}'` });
    return f;
  }

  /** One request; resolves with the reply messages (payload bytes for a family's own types). */
  request(operation: string, type: number, flags: number, msg: GenlMessage | Buffer, opts: OperationOptions = {}, request?: unknown): Promise<RawReply[]> {
    return this.#engine.request(operation, type, flags, msg, opts, request);
  }

  /** A whole dump as an array. */
  collect(operation: string, type: number, msg: GenlMessage | Buffer, opts: DumpOptions = {}): Promise<RawReply[]> {
    return this.#engine.collect(operation, type, msg, opts);
  }

  /** Close the socket. Pending operations reject with ECANCELED. Idempotent. */
  close(): void {
    const s = this.#sock;
    this.#sock = undefined;
    if (s !== undefined) leaks.unregister(this.#token);
    s?.close();
  }

  /** Let the process exit while this socket has requests pending. */
  unref(): this {
    this.#sock?.unref();
    return this;
  }

  /** Keep the process alive while this socket has requests pending (the default). */
  ref(): this {
    this.#sock?.ref();
    return this;
  }
}
