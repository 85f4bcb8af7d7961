/**
 * The sandbox's route table: each route is a method and a path pattern (`{name}` matches one path
 * segment). A path that matches with another method is a 405 with `Allow`, not a 404.
 */
import type { Handler } from './call.js';
import type { SandboxFlavor } from './dto.js';

/** One entry of the table, as the route files declare it. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/rest/servicedeskapi/request/{key}/comment/{id}`. */
  path: string;
  handler: Handler;
  /** Anonymous access allowed (JSM's /info). */
  anonymous?: boolean;
  /** Served only by these flavors (default: every flavor). */
  flavors?: readonly SandboxFlavor[];
}

interface Route extends RouteDef {
  pattern: RegExp;
}

/** What {@link Router.match} found: the route and its decoded path parameters, or the methods the path allows. */
export type Match = { route: RouteDef; params: string[] } | { route?: undefined; allowed: string[] };

export class Router {
  private readonly routes: Route[];

  /** The routes `flavor` serves. */
  constructor(defs: readonly RouteDef[], flavor: SandboxFlavor) {
    this.routes = defs.filter((d) => !d.flavors || d.flavors.includes(flavor)).map((d) => ({ ...d, pattern: new RegExp(`^${d.path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`) }));
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
