/**
 * `netloom-cni daemon`: netloom's CNI plugins resident in one process,
 * answering invocations that native/cni_shim_main.cc (`netloom-cni-shim`,
 * the executable a runtime runs) forwards over a unix socket, so that an ADD
 * costs the work and not a Node start-up. Invocations run concurrently, each
 * as the one-shot executable would run it (the same runPlugin, its own
 * environment and stdin).
 * @module
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { runPlugin } from './plugin.js';
import { dispatch } from './plugins.js';

/** The socket the shim connects to unless NETLOOM_CNI_SOCKET says otherwise. */
export const DEFAULT_SOCKET = '/run/netloom/cni.sock';

const MAX = 16 << 20;

/** Parse a request: `count, count × "K=V", stdin`, little-endian u32 lengths. Undefined while incomplete. */
export function parseRequest(buf: Buffer): { env: NodeJS.ProcessEnv; stdin: string } | undefined {
  let off = 0;
  const u32 = (): number | undefined => {
    if (off + 4 > buf.length) return undefined;
    const v = buf.readUInt32LE(off);
    off += 4;
    return v;
  };
  const bytes = (): Buffer | undefined => {
    const n = u32();
    if (n === undefined || n > MAX || off + n > buf.length) return undefined;
    const b = buf.subarray(off, off + n);
    off += n;
    return b;
  };
  const count = u32();
  if (count === undefined || count > 4096) return undefined;
  const env: NodeJS.ProcessEnv = {};
  for (let i = 0; i < count; i++) {
    const kv = bytes()?.toString('utf8');
    if (kv === undefined) return undefined;
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const stdin = bytes();
  return stdin === undefined ? undefined : { env, stdin: stdin.toString('utf8') };
}

function answer(conn: Socket, exitCode: number, stdout: string): void {
  const out = Buffer.from(stdout, 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt32LE(exitCode, 0);
  head.writeUInt32LE(out.length, 4);
  conn.end(Buffer.concat([head, out]));
}

/** Whether something answers on the unix socket `path`. */
function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Listen on `path` (made 0600; a stale socket left by a daemon that died is
 * replaced, a live daemon's is not) and serve invocations until the server
 * is closed.
 */
export async function serveCni(path: string = DEFAULT_SOCKET): Promise<Server> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (await answering(path)) throw new Error(`netloom-cni daemon: another daemon already listens on ${path}`);
  rmSync(path, { force: true });
  // Half-open: the shim shuts its side when the request is sent, then waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    const chunks: Buffer[] = [];
    let size = 0;
    conn.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX + 65536) conn.destroy();
      else chunks.push(c);
    });
    conn.on('error', () => undefined); // a shim that went away: nothing to answer
    conn.on('end', () => {
      const req = parseRequest(Buffer.concat(chunks));
      if (req === undefined) {
        answer(conn, 1, `${JSON.stringify({ cniVersion: '1.1.0', code: 6, msg: 'netloom-cni daemon: a malformed request from the shim' })}\n`);
        return;
      }
      void runPlugin(dispatch, req).then((o) => answer(conn, o.exitCode, o.stdout));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}
