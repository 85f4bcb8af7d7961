/**
 * A load balancer in front of the simulated cluster, without sticky sessions: each request (or
 * each TCP connection, as a layer-4 balancer does) goes to a node chosen round-robin or at random
 * from a seed. With it, a node's support zip lies in that node's own export folder and only that
 * node can serve it, as with Confluence's local home.
 */
import type http from 'node:http';
import type net from 'node:net';

/** How the balancer picks a node. */
export interface BalancerOptions {
  policy: 'round-robin' | 'random';
  /** For `random`: the same seed gives the same sequence (default 1). */
  seed?: number;
  /** `request` (layer 7, the default) or `connection` (layer 4: a kept-alive connection stays on its node). */
  per?: 'request' | 'connection';
  /** The nodes it sends to (default all): a node left out is up and in the cluster but never reached through it. */
  pool?: string[];
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The node that answers a request. */
export type Router = (req: http.IncomingMessage) => string;

/** A router over `nodeIds` that behaves as `o` says. */
export function makeRouter(nodeIds: string[], o: BalancerOptions): Router {
  const random = seeded(o.seed ?? 1);
  const pool = o.pool ?? nodeIds;
  let next = 0;
  const pick = () => (o.policy === 'random' ? pool[Math.floor(random() * pool.length)]! : pool[next++ % pool.length]!);
  const bySocket = new WeakMap<net.Socket, string>();
  return (req) => {
    if (o.per !== 'connection') return pick();
    let node = bySocket.get(req.socket);
    if (!node) {
      node = pick();
      bySocket.set(req.socket, node);
    }
    return node;
  };
}
