/**
 * Issue 17: deploy/ is checked without Docker or Kubernetes. The YAML is parsed (the `yaml`
 * package), the fields that matter are schema-checked with zod, and they are checked against
 * each other and against the hub: every STAGECALL_* variable names a real hub flag, the HPA
 * scales the Deployment on stagecall_load_ratio, the preStop hook drains (P31) within the
 * grace period, the Service selects the pods, and the compose file has 2 hubs, a Redis primary
 * with a replica, 3 Sentinels and HAProxy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { ROOT } from '../helpers/hub-process';

const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');
const cliSource = read('src/hub/cli.ts');
/** STAGECALL_REDIS_MASTER_NAME → --redis-master-name, which must be in the hub's flag spec. */
const isHubFlag = (env: string): boolean => cliSource.includes(`'${env.replace(/^STAGECALL_/, '').toLowerCase().replace(/_/g, '-')}': {`) || new RegExp(`^\\s+${env.replace(/^STAGECALL_/, '').toLowerCase()}: \\{`, 'm').test(cliSource);

const Env = z.array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }));
const Container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()),
  env: Env,
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  readinessProbe: z.object({ httpGet: z.object({ path: z.literal('/v1/health'), port: z.union([z.string(), z.number()]) }) }),
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }),
});
const Deployment = z.object({
  kind: z.literal('Deployment'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.object({ terminationGracePeriodSeconds: z.number(), containers: z.array(Container).length(1) }),
    }),
  }),
});
const Service = z.object({ kind: z.literal('Service'), spec: z.object({ selector: z.record(z.string(), z.string()), ports: z.array(z.object({ targetPort: z.union([z.string(), z.number()]) })) }) });
const Hpa = z.object({
  kind: z.literal('HorizontalPodAutoscaler'),
  apiVersion: z.literal('autoscaling/v2'),
  spec: z.object({
    scaleTargetRef: z.object({ kind: z.literal('Deployment'), name: z.string() }),
    minReplicas: z.number().min(2),
    maxReplicas: z.number(),
    metrics: z.array(z.object({ type: z.literal('Pods'), pods: z.object({ metric: z.object({ name: z.string() }), target: z.object({ type: z.literal('AverageValue'), averageValue: z.string() }) }) })),
  }),
});

describe('deploy/kubernetes/hub.yaml', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes/hub.yaml'));
  it('parses without errors into a Deployment, a Service and an HPA whose fields fit together', () => {
    for (const d of docs) expect(d.errors, String(d.errors)).toEqual([]);
    const objs = docs.map((d) => d.toJS() as { kind?: string });
    const dep = Deployment.parse(objs.find((o) => o.kind === 'Deployment'));
    const svc = Service.parse(objs.find((o) => o.kind === 'Service'));
    const hpa = Hpa.parse(objs.find((o) => o.kind === 'HorizontalPodAutoscaler'));
    const pod = dep.spec.template;
    const c = pod.spec.containers[0] as z.infer<typeof Container>;
    expect(dep.spec.selector.matchLabels).toEqual(expect.objectContaining(svc.spec.selector));
    expect(pod.metadata.labels).toEqual(expect.objectContaining(svc.spec.selector));
    expect(c.ports.map((p) => p.name)).toContain(svc.spec.ports[0]?.targetPort);
    expect(hpa.spec.scaleTargetRef.name).toBe(dep.metadata.name);
    expect(hpa.spec.metrics.map((m) => m.pods.metric.name)).toEqual(['stagecall_load_ratio']);
    expect(Number.parseFloat(hpa.spec.metrics[0]?.pods.target.averageValue ?? '') / 1000).toBeLessThan(1); // "700m" of a 0..1 ratio
    // The hub is PID 1 (so SIGUSR2 reaches it), the preStop hook drains, the grace period outlasts the drain.
    // ...and runs the built hub, what `npm run hub` runs (vite.node.config.ts), not TypeScript.
    expect(c.command).toEqual(['node', 'out/node/hub.js']);
    expect(c.lifecycle.preStop.exec.command.join(' ')).toMatch(/kill -USR2 1/);
    const env = new Map(c.env.map((e) => [e.name, e.value]));
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(env.get('STAGECALL_DRAIN_SECONDS') ?? 10));
    for (const name of env.keys()) expect(isHubFlag(name), `${name} is a hub flag`).toBe(true);
    expect(env.get('STAGECALL_ENGINE')).toBe('redis');
    expect(env.get('STAGECALL_REDIS_SENTINELS')?.split(',')).toHaveLength(3);
  });
});

describe('deploy/compose/docker-compose.yml', () => {
  const Compose = z.object({ services: z.record(z.string(), z.object({ image: z.string(), command: z.array(z.string()).optional(), environment: z.record(z.string(), z.string()).optional() })) });
  const compose = Compose.parse(parse(read('deploy/compose/docker-compose.yml'), { merge: true }));
  const services = Object.entries(compose.services);
  it('has 2 hubs on Sentinel, a Redis primary with a replica, 3 Sentinels and HAProxy', () => {
    const hubs = services.filter(([, s]) => s.image.startsWith('stagecall/hub'));
    const replicas = services.filter(([, s]) => s.command?.[0] === 'redis-server' && s.command.includes('--replicaof'));
    const primaries = services.filter(([, s]) => s.command?.[0] === 'redis-server' && !s.command.includes('--replicaof'));
    const sentinels = services.filter(([, s]) => s.command?.join(' ').includes('redis-sentinel'));
    expect(hubs).toHaveLength(2);
    expect(primaries).toHaveLength(1);
    expect(replicas).toHaveLength(1);
    expect(sentinels).toHaveLength(3);
    expect(services.filter(([, s]) => s.image.startsWith('haproxy'))).toHaveLength(1);
    const names = new Set(services.map(([n]) => n));
    expect(replicas[0]?.[1].command).toContain(primaries[0]?.[0]);
    const nodes = new Set<string>();
    for (const [, h] of hubs) {
      const env = h.environment ?? {};
      for (const name of Object.keys(env)) expect(isHubFlag(name), `${name} is a hub flag`).toBe(true);
      for (const addr of (env.STAGECALL_REDIS_SENTINELS ?? '').split(',')) expect(names.has(addr.split(':')[0] ?? ''), `${addr} is a service`).toBe(true);
      nodes.add(env.STAGECALL_NODE ?? '');
      expect(h.command).toEqual(['node', 'out/node/hub.js']);
    }
    expect(nodes.size).toBe(2); // distinct node names
    const haproxy = read('deploy/compose/haproxy.cfg');
    for (const [n] of hubs) expect(haproxy).toMatch(new RegExp(`server ${n} ${n}:8787 check`));
    expect(haproxy).toMatch(/option httpchk GET \/v1\/health/);
  });
});
