#!/usr/bin/env node
// The container runtime's part of bench/cni.mjs: started once per run inside
// the bench's host namespace, it execs the plugin as containerd or the
// kubelet do, a plain fork and exec from a process living in the host's
// namespace (no per-exec namespace entry or mounts, which ns.exec would add
// to every invocation), ADD for every container and then DEL, WIDTH at a
// time. Job on stdin as JSON { bin, conf, netns: [paths], width, env };
// prints { add, del } in seconds.
import { spawn } from 'node:child_process';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));

function invoke(command, i) {
  return new Promise((resolve, reject) => {
    const env = { ...job.env, CNI_COMMAND: command, CNI_CONTAINERID: `b${i}`, CNI_NETNS: job.netns[i], CNI_IFNAME: 'eth0' };
    const child = spawn(job.bin, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${i}: exit ${code}: ${out}`));
    });
    child.stdin.end(job.conf);
  });
}

async function pool(count, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) await fn(next++);
  }));
}

const n = job.netns.length;
const t0 = performance.now();
await pool(n, job.width, (i) => invoke('ADD', i));
const t1 = performance.now();
await pool(n, job.width, (i) => invoke('DEL', i));
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ add: (t1 - t0) / 1000, del: (t2 - t1) / 1000 })}\n`);
