/**
 * A small HTTP proxy on loopback that records what went through it: `CONNECT host:port` tunnels
 * (how undici reaches https, and http by default) and absolute-URI forwarding (`GET http://...`).
 * Tests use it to prove that HTTPS_PROXY/HTTP_PROXY are honoured and NO_PROXY bypasses it.
 */
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export class LoopbackProxy {
  /** `CONNECT host:port` or `GET http://...`, in order. */
  readonly seen: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LoopbackProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new LoopbackProxy(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      self.seen.push(`${req.method} ${req.url}`);
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
