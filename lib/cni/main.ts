#!/usr/bin/env node
/**
 * The `netloom-cni` executable: one program for every netloom plugin type.
 * Install it (or a link to it) in a runtime's CNI bin directory under the
 * type's name (`netloom-bridge`); the configuration's `type` picks the
 * plugin. Prints the result or the error object and exits 0 or 1.
 *
 * `netloom-cni daemon [--socket PATH]` keeps the plugins resident instead,
 * for `netloom-cni-shim` to forward invocations to (no Node start-up per
 * container).
 * @module
 */
import { runPlugin } from './plugin.js';
import { dispatch } from './plugins.js';

if (process.argv[2] === 'daemon') {
  const { DEFAULT_SOCKET, serveCni } = await import('./daemon.js');
  const i = process.argv.indexOf('--socket');
  const path = i > 0 ? (process.argv[i + 1] ?? DEFAULT_SOCKET) : (process.env.NETLOOM_CNI_SOCKET ?? DEFAULT_SOCKET);
  const server = await serveCni(path);
  console.log(`netloom-cni daemon: listening on ${path}`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
} else {
  const outcome = await runPlugin(dispatch);
  process.stdout.write(outcome.stdout, () => process.exit(outcome.exitCode));
}
