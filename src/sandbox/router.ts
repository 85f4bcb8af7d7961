/**
 * The sandbox's route table: each route is a method and a path pattern (`{name}` matches one path
 * segment). A path that matches with another method is a 405 with `Allow`, not a 404.
 */
import type { Handler } from './call.js';

/** One entry of the table, as the route files declare it. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. `/rest/servicedeskapi/request/{key}/comment/{id}`. */
  path: string;
  handler: Handler;
  /** Anonymous access allowed (JSM's /info). */
  anonymous?: boolean;
}

interface Route extends RouteDef {
  pattern: RegExp;
}

/** What {@link Router.match} found: the route and its decoded path parameters, or the methods the path allows. */
export type Match = { route: RouteDef; params: string[] } | { route?: undefined; allowed: string[] };

export class Router {
  private readonly routes: Route[];

  constructor(defs: readonly RouteDef[]) {
    this.routes = defs.map((d) => ({ ...d, pattern: new RegExp(`^${d.path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`) }));
  }

  match(method: string, path: string): Match {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method === method) return { route: r, params: m.slice(1).map((s) => decodeURIComponent(s)) };
      allowed.push(r.method);
    }
    return { allowed };
  }
}
