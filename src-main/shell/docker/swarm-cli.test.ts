// docker service / network on a one-node swarm, as Docker prints them: service labels vs container labels, a
// published port the swarm chooses (in the Endpoint, not in the spec), and internal overlays without egress.
import assert from 'node:assert/strict';
import test from 'node:test';
import { SECOND } from '../../sim/time.ts';
import type { DockerLab } from '../lab-host.ts';
import { newDockerLab, ok } from '../testing/docker-lab.ts';

async function oneNode(): Promise<DockerLab> {
  const lab = newDockerLab(3);
  await ok(lab, '', 'docker-machine create m1');
  await ok(lab, 'm1', 'docker swarm init --advertise-addr 192.168.99.100');
  return lab;
}

test('service labels stay on the service, container labels go on the tasks\' containers', async () => {
  const lab = await oneNode();
  try {
    await ok(lab, 'm1', 'docker service create -d --name web --label tier=front --container-label role=web -l owner=ops nginx');
    await lab.advance(10 * SECOND);
    assert.equal(await ok(lab, 'm1', "docker service inspect -f '{{json .Spec.Labels}}' web"), '{"owner":"ops","tier":"front"}\n');
    assert.equal(await ok(lab, 'm1', "docker service inspect -f '{{json .Spec.TaskTemplate.ContainerSpec.Labels}}' web"), '{"role":"web"}\n');
    const ctr = (await ok(lab, 'm1', 'docker ps -q')).trim();
    const labels = JSON.parse(await ok(lab, 'm1', `docker inspect -f '{{json .Config.Labels}}' ${ctr}`)) as Record<string, string>;
    assert.equal(labels.role, 'web');
    assert.equal(labels['com.docker.swarm.service.name'], 'web');
    assert.equal(labels.tier, undefined);
    // a service label changes no task; a container label replaces them
    await ok(lab, 'm1', 'docker service update -d --label-add x=1 web');
    await lab.advance(10 * SECOND);
    assert.equal((await ok(lab, 'm1', 'docker ps -q')).trim(), ctr);
    await ok(lab, 'm1', 'docker service update -d --container-label-add y=2 --container-label-rm role web');
    await lab.advance(20 * SECOND);
    const next = (await ok(lab, 'm1', 'docker ps -q')).trim();
    assert.notEqual(next, ctr);
    const after = JSON.parse(await ok(lab, 'm1', `docker inspect -f '{{json .Config.Labels}}' ${next}`)) as Record<string, string>;
    assert.equal(after.y, '2');
    assert.equal(after.role, undefined);
  } finally {
    lab.world.dispose();
  }
});

test('a published port the swarm chooses is in the Endpoint only, and kept across updates', async () => {
  const lab = await oneNode();
  try {
    await ok(lab, 'm1', 'docker service create -d --name web -p 80 --publish target=81 -p 8080:82 nginx');
    const spec = await ok(lab, 'm1', "docker service inspect -f '{{json .Spec.EndpointSpec.Ports}}' web");
    assert.equal(
      spec,
      '[{"Protocol":"tcp","TargetPort":80,"PublishMode":"ingress"},{"Protocol":"tcp","TargetPort":81,"PublishMode":"ingress"},{"Protocol":"tcp","TargetPort":82,"PublishedPort":8080,"PublishMode":"ingress"}]\n',
    );
    assert.equal(await ok(lab, 'm1', "docker service inspect -f '{{json .Endpoint.Spec.Ports}}' web"), spec);
    const endpoint = "docker service inspect -f '{{range .Endpoint.Ports}}{{.PublishedPort}}->{{.TargetPort}} {{end}}' web";
    assert.equal(await ok(lab, 'm1', endpoint), '30000->80 30001->81 8080->82 \n');
    assert.match(await ok(lab, 'm1', 'docker service ls'), /\*:30000->80\/tcp, \*:30001->81\/tcp, \*:8080->82\/tcp/);
    await ok(lab, 'm1', 'docker service update -d --env-add A=1 web');
    assert.equal(await ok(lab, 'm1', endpoint), '30000->80 30001->81 8080->82 \n');
    // the routing mesh answers on the port the swarm chose
    await lab.advance(20 * SECOND);
    assert.match(await ok(lab, '', 'curl -s http://192.168.99.100:30000/'), /nginx/i);
    // the next service gets the next port
    await ok(lab, 'm1', 'docker service create -d --name api -p 80 nginx');
    assert.equal(await ok(lab, 'm1', "docker service inspect -f '{{range .Endpoint.Ports}}{{.PublishedPort}}{{end}}' api"), '30002\n');
  } finally {
    lab.world.dispose();
  }
});

test('an internal overlay: tasks only on it get no docker_gwbridge and no default route', async () => {
  const lab = await oneNode();
  try {
    await ok(lab, 'm1', 'docker network create -d overlay --internal back');
    await ok(lab, 'm1', 'docker network create -d overlay front');
    assert.equal(await ok(lab, 'm1', "docker network inspect -f '{{.Internal}} {{.Driver}}' back"), 'true overlay\n');
    await ok(lab, 'm1', 'docker service create -d --name db --network back nginx');
    await ok(lab, 'm1', 'docker service create -d --name web --network back --network front nginx');
    await lab.advance(10 * SECOND);
    const ctrOf = async (svc: string): Promise<string> => (await ok(lab, 'm1', `docker ps -q -f label=com.docker.swarm.service.name=${svc}`)).trim();
    const db = await ctrOf('db');
    const web = await ctrOf('web');
    const nets = (c: string): Promise<string> => ok(lab, 'm1', `docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' ${c}`);
    assert.equal(await nets(db), 'back \n');
    assert.equal(await nets(web), 'back docker_gwbridge front \n');
    assert.doesNotMatch(await ok(lab, 'm1', `docker exec ${db} ip route`), /default/);
    assert.match(await ok(lab, 'm1', `docker exec ${web} ip route`), /^default via 172\.18\.0\.1 dev eth\d/m);
    // and db still reaches web's task by name on the internal network
    assert.match(await ok(lab, 'm1', `docker exec ${db} ping -c 1 tasks.web`), / 0% packet loss/);
  } finally {
    lab.world.dispose();
  }
});
