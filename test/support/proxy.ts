/**
 * A small HTTP proxy on loopback that records what went through it: `CONNECT host:port` tunnels
 * (how https is reached) and absolute-URI forwarding (`GET http://...`, how http is), with the
 * `Proxy-Authorization` each came with. Tests use it to prove that HTTPS_PROXY/HTTP_PROXY are
 * honoured and NO_PROXY bypasses it. `connect` makes it unfriendly to tunnels: answer them with a
 * status (407, 403, 503), or accept the connection and never answer.
 */
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export class LoopbackProxy {
  /** `CONNECT host:port` or `GET http://...`, in order. */
  readonly seen: string[] = [];
  /** The `Proxy-Authorization` header of each of {@link seen} ('' when none). */
  readonly auth: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(opts: { connect?: number | 'stall' } = {}): Promise<LoopbackProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new LoopbackProxy(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      self.seen.push(`${req.method} ${req.url}`);
      self.auth.push(req.headers['proxy-authorization'] ?? '');
      const target = new URL(req.url ?? '/');
      const up = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    });
    server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
      self.seen.push(`CONNECT ${req.url}`);
      self.auth.push(req.headers['proxy-authorization'] ?? '');
      self.sockets.add(client);
      if (opts.connect === 'stall') return;
      if (opts.connect !== undefined) {
        client.end(`HTTP/1.1 ${opts.connect} ${http.STATUS_CODES[opts.connect] ?? 'No'}\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      self.sockets.add(upstream);
    });
    server.on('connection', (s: Socket) => self.sockets.add(s));
    return self;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
