/**
 * The undici dispatcher under the transport (`http.ts`): the proxies of the given environment,
 * private CAs, connect and read timeouts, with nothing of TLS set up before an https connection
 * needs it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';
import type { SecureContext } from 'node:tls';
import { buildConnector, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { CaFileError } from './errors.js';

/** Network settings an admin controls. */
export interface NetworkOptions {
  /** `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (either case) are read from here, never from the process. */
  env?: Readonly<Record<string, string | undefined>>;
  /** PEM files of extra trusted CAs (`--ca-file`, `NODE_EXTRA_CA_CERTS`), added to the default roots. */
  caFiles?: readonly string[];
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Time allowed without data while waiting for an answer; default 60 s. */
  readTimeoutMs?: number;
}

/**
 * Builds the undici dispatcher: environment proxy agent with our env, CAs and timeouts.
 *
 * Nothing of TLS is touched before the first https connection (measured, bench/README.md "Fixed
 * costs"): an http:// portal (the sandbox, a lab) never loads `node:tls` nor reads a CA file. With
 * a CA file the trusted roots are one secure context, made once and shared by every connection
 * (given as `ca`, `tls.connect` would parse the ~150 bundled roots and the file again for each),
 * and it never passes through undici's options, which undici deep-copies through JSON (a
 * distribution's CA bundle as NODE_EXTRA_CA_CERTS is ~440 KB, copied twice: ~20 ms).
 */
export function buildDispatcher(opts: NetworkOptions): Dispatcher {
  const env = opts.env ?? {};
  const pick = (name: string): string => env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? '';
  const caFiles = opts.caFiles ?? [];
  const connectTimeout = opts.connectTimeoutMs ?? 10_000;
  const readTimeout = opts.readTimeoutMs ?? 60_000;
  let context: SecureContext | undefined;
  const tlsOpts = (): { secureContext?: SecureContext } => {
    if (caFiles.length === 0) return {};
    if (!context) {
      const ca = readCaFiles(caFiles);
      const tls = createRequire(import.meta.url)('node:tls') as typeof Tls;
      context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...ca] });
    }
    return { secureContext: context };
  };
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  // Direct connections: plain ones never touch TLS; the TLS connector is made at the first https
  // connection. A bad CA file fails that connection with the CaFileError (see `attempt`).
  let plain: buildConnector.connector | undefined;
  let secure: buildConnector.connector | undefined;
  const connect = (o: buildConnector.Options, callback: buildConnector.Callback): void => {
    let connector: buildConnector.connector;
    try {
      connector = o.protocol === 'https:' ? (secure ??= buildConnector({ ...tlsOpts(), timeout: connectTimeout })) : (plain ??= buildConnector({ timeout: connectTimeout }));
    } catch (err) {
      callback(err as Error, null);
      return;
    }
    connector(o, callback);
  };
  // Through a proxy undici builds its connectors up front, so the CAs are read here, and only then.
  const proxied = httpProxy !== '' || httpsProxy !== '' ? { requestTls: { ...tlsOpts(), timeout: connectTimeout }, proxyTls: { ...tlsOpts(), timeout: connectTimeout } } : {};
  // Empty strings (not undefined) so that undici never falls back to the real process environment.
  return new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: pick('no_proxy'),
    connect,
    ...proxied,
    headersTimeout: readTimeout,
    bodyTimeout: readTimeout,
  });
}

function readCaFiles(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CaFileError(file, (err as NodeJS.ErrnoException).code ?? String(err));
    }
    const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!certs) throw new CaFileError(file, 'no PEM certificate in it');
    out.push(...certs);
  }
  return out;
}
