// What the CLI imports from undici (`request`, `EnvHttpProxyAgent`, `buildConnector`: src/portal/http.ts,
// src/atst/client.ts), for the bundle only (scripts/app.mjs resolves `undici` here). undici's own
// index also loads fetch, WebSocket, EventSource, cookies, the cache stores and the mocks, and
// through `globalThis.Headers` Node's built-in copy of undici too: measured, loading this file
// takes ~45% of the time of loading undici's index (bench/README.md).
import api from 'undici/lib/api/index.js';
import buildConnector from 'undici/lib/core/connect.js';
import errors from 'undici/lib/core/errors.js';
import util from 'undici/lib/core/util.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import globalDispatcher from 'undici/lib/global.js';

Object.assign(Dispatcher.prototype, api);

// undici's index.js `makeDispatcher(api.request)` (undici 7.30.2, MIT), which it does not export.
export function request(url, opts, handler) {
  if (typeof opts === 'function') {
    handler = opts;
    opts = null;
  }
  if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
    throw new errors.InvalidArgumentError('invalid url');
  }
  if (opts != null && typeof opts !== 'object') throw new errors.InvalidArgumentError('invalid opts');
  if (opts && opts.path != null) {
    if (typeof opts.path !== 'string') throw new errors.InvalidArgumentError('invalid opts.path');
    url = new URL(util.parseOrigin(url).origin + (opts.path.startsWith('/') ? opts.path : `/${opts.path}`));
  } else {
    if (!opts) opts = typeof url === 'object' ? url : {};
    url = util.parseURL(url);
  }
  const { agent, dispatcher = globalDispatcher.getGlobalDispatcher() } = opts;
  if (agent) throw new errors.InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
  return api.request.call(
    dispatcher,
    { ...opts, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') },
    handler,
  );
}

export { buildConnector, EnvHttpProxyAgent, Dispatcher, errors };
