#!/usr/bin/env node
/**
 * The `netloom` command: build, look at and tear down virtual networks
 * described in a YAML or JSON file. Exit codes: 0 done, 1 failed (the
 * kernel refused, the file is wrong, ...), 2 wrong usage, 130 interrupted
 * (after cleaning up).
 * @module
 */
import { demo, describeFailure, down, graph, interruptedBy, plan, show, up, UsageError, version, type Io } from './cli/commands.js';

const USAGE = `Usage: netloom COMMAND [OPTIONS]

Build Linux virtual networks (namespaces, veth pairs, bridges, addresses,
routes, ...) from a declaration file, over rtnetlink. Needs root.

Commands:
  demo                  build scenario S2 (a bridge and two namespaces), ping
                        across it, show it, tear it down
  up FILE               create or converge the topology of FILE (YAML or JSON)
  down FILE             remove what the topology of FILE owns, and nothing else
  down --name NAME      the same, from the marks alone (after a crash)
  plan FILE             show what 'up' would create, change and remove
  show                  the namespaces (current and named), links, addresses
  graph FILE|--live     draw a topology: Mermaid (default), DOT or SVG

Options of up, down and plan:
  --name NAME           the topology's name (default: the file's 'name')
  --prefix PREFIX       put PREFIX in front of every named namespace's name
  --netns NAME          the named namespace that 'current: true' stands for
  --allow-current       up: allow 'current: true' to mean netloom's own namespace
  -q, --quiet           up: no line per step, only the summary
  --json                plan, show: JSON output
Options of graph:
  -f, --format FORMAT   mermaid, dot or svg (svg drawn in-process, nothing to install)
  -o, --output FILE     write to FILE instead of standard output

  -h, --help            this help;  -v, --version  the version

Exit codes: 0 done, 1 failed, 2 wrong usage.
Examples: netloom demo; netloom up examples/topologies/s2-bridge.yaml;
          netloom graph examples/topologies/s7-vxlan.yaml -f svg -o s7.svg`;

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = { up, down, plan, show, graph, demo };

/** Run the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    if (cmd === undefined) {
      io.err(USAGE);
      return 2;
    }
    io.out(USAGE);
    return 0;
  }
  if (cmd === '-v' || cmd === '--version') {
    io.out(version());
    return 0;
  }
  const run = COMMANDS[cmd];
  if (run === undefined) {
    io.err(`netloom: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`netloom ${cmd}: ${e.message}\nTry 'netloom --help'.`);
      return 2;
    }
    io.err(`netloom ${cmd}: ${describeFailure(e)}`);
    // Interrupted (Ctrl-C): the shell's convention, 128 + SIGINT.
    return interruptedBy() === undefined ? 1 : 130;
  }
}

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`netloom: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
