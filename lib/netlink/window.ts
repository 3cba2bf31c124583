/**
 * The JavaScript side of a socket's request window: at most as many
 * requests handed to the native socket as its own window holds; later ones
 * wait here, in order, as nothing but the caller's arguments.
 * @module
 */
import { AbortError, NetlinkError } from './errors.js';

// Four times the native socket's window (256, kWindow in
// native/nl_socket.cc). More in flight would only wait there, encoded, each
// with a promise and the native state of a request: pipelining 100,000
// would hold all of that at once. But the native backlog must never run
// dry: with exactly 256, each request entered only when one settled, one per
// datagram, and 100,000 route adds took 0.99 s instead of 0.65 s (bench/
// routes.mjs, 2026-12-04); with 1024 they take 0.65 s again.
const WINDOW = 1024;

/** A request waiting for room. */
interface Waiting {
  start(): void;
  cancel(): void;
}

/** @internal Bounds the requests one socket has in flight (see the module comment). */
export class RequestWindow {
  #inFlight = 0;
  #waiting: Array<Waiting | undefined> = [];
  #head = 0;

  /** Requests waiting for room. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /**
   * Run `send` now if there is room and nobody waits (order is kept), else
   * when a request ahead of it settles. `send` calls {@link RequestWindow.enter}
   * once it handed the request over, and {@link RequestWindow.leave} when it settled.
   */
  run<T>(operation: string, signal: AbortSignal | undefined, request: unknown, send: () => Promise<T>): Promise<T> {
    if (this.#inFlight < WINDOW && this.#head === this.#waiting.length) return send();
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        start: () => {
          // Aborted while waiting: never sent, so nothing took effect.
          if (signal?.aborted) reject(new AbortError(operation, signal.reason));
          else send().then(resolve, reject);
        },
        cancel: () => reject(new NetlinkError(operation, 'ECANCELED', 125, { syscall: 'close', request, message: 'close: the netlink socket was closed with this request pending' })),
      });
    });
  }

  /** A request was handed to the native socket. */
  enter(): void {
    this.#inFlight++;
  }

  /** A request handed over settled: let waiting ones in. */
  leave(): void {
    this.#inFlight--;
    while (this.#inFlight < WINDOW && this.#head < this.#waiting.length) {
      const w = this.#waiting[this.#head] as Waiting;
      this.#waiting[this.#head++] = undefined; // started: not ours to keep
      // Drop the started part now and then: a queue that never drains (a
      // caller keeping more than the window busy) must not keep every
      // request it ever held.
      if (this.#head === this.#waiting.length) {
        this.#waiting = [];
        this.#head = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      w.start();
    }
  }

  /** The socket closed: every waiting request rejects with ECANCELED, as the native ones do. */
  cancelAll(): void {
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const w of waiting) w?.cancel();
  }
}
