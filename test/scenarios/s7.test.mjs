// Scenario S7: the flannel-style VXLAN overlay (examples/s7-vxlan-overlay.mjs):
// three hosts on an underlay, static FDB, neighbour and route entries written
// by netloom, pods pinging pods across hosts. The witness is iproute2 run
// inside each host while the overlay exists: the VTEP really sent packets.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/s7-vxlan-overlay.mjs', import.meta.url));

t.test('pods ping across hosts through VXLAN with static entries only', async (t) => {
  const r = spawnSync(process.execPath, [example], {
    encoding: 'utf8',
    timeout: 90000,
    env: { ...process.env, NETLOOM_S7_WITNESS: 'ip -j -s -d link show flannel.1' },
  });
  t.equal(r.status, 0, r.stderr);
  const pings = [...r.stdout.matchAll(/across the overlay: (\d+)\/(\d+)/g)];
  t.equal(pings.length, 3, 'three pod-to-pod pings');
  for (const [, got, sent] of pings) t.ok(Number(got) > 0 && Number(got) <= Number(sent), `${got}/${sent} replies`);
  t.match(r.stdout, /02:00:00:00:01:03 -> 198\.18\.100\.3/, 'the VTEP has a forwarding entry to host 3');
  const witnesses = [...r.stdout.matchAll(/^witness host (\d): (.*)$/gm)];
  t.equal(witnesses.length, 3);
  for (const [, n, json] of witnesses) {
    const vtep = JSON.parse(json)[0];
    t.equal(vtep.linkinfo.info_kind, 'vxlan', `host ${n}: flannel.1 is a VTEP`);
    t.equal(vtep.linkinfo.info_data.learning, false, 'no learning');
    t.equal(vtep.linkinfo.info_data.port, 4789);
    t.ok(vtep.stats64.tx.packets > 0, `host ${n}: the VTEP sent ${vtep.stats64.tx.packets} packets into the tunnel`);
  }
});
