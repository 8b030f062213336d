// A TLS-terminating gRPC proxy in front of the dev server (which has no TLS of its own): real nginx from
// Debian with `grpc_pass`, certificates made here with openssl. It requires a client certificate signed by
// its CA (mTLS) and, optionally, an API key in the `authorization` header, as Temporal Cloud does.
import { execa, execaSync, type ResultPromise } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../src/servers/temporalDevServer';
import { waitFor } from './wait';

export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client pair signed by another CA: the proxy must refuse it. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(dir: string, ...args: string[]): void {
  execaSync('openssl', args, { cwd: dir });
}

function signedPair(dir: string, name: string, ca: string, subject: string, ext?: string): void {
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  if (ext) fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-out', `${name}.crt`, ...(ext ? ['-extfile', `${name}.ext`] : []));
}

export function makePki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  for (const ca of ['ca', 'other-ca']) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=webtv test ${ca}`);
  }
  signedPair(dir, 'server', 'ca', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signedPair(dir, 'client', 'ca', '/CN=webtv-worker', 'extendedKeyUsage=clientAuth\n');
  signedPair(dir, 'stranger', 'other-ca', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
  const f = (n: string) => path.join(dir, n);
  return {
    dir, caCert: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'),
    clientCert: f('client.crt'), clientKey: f('client.key'), strangerCert: f('stranger.crt'), strangerKey: f('stranger.key'),
  };
}

export interface GrpcTlsProxy {
  /** host:port to give Temporal clients (name `localhost`, as in the server certificate). */
  address: string;
  stop(): Promise<void>;
}

export async function startGrpcTlsProxy(opts: { pki: Pki; upstream: string; apiKey?: string; dir: string }): Promise<GrpcTlsProxy> {
  const port = await freePort();
  fs.mkdirSync(opts.dir, { recursive: true });
  const q = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
  const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${q(path.join(opts.dir, 'nginx.pid'))};
error_log ${q(path.join(opts.dir, 'error.log'))} warn;
events { worker_connections 256; }
http {
  access_log ${q(path.join(opts.dir, 'access.log'))};
  client_body_temp_path ${q(path.join(opts.dir, 'body'))};
  proxy_temp_path ${q(path.join(opts.dir, 'proxy'))};
  fastcgi_temp_path ${q(path.join(opts.dir, 'fastcgi'))};
  uwsgi_temp_path ${q(path.join(opts.dir, 'uwsgi'))};
  scgi_temp_path ${q(path.join(opts.dir, 'scgi'))};
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${q(opts.pki.serverCert)};
    ssl_certificate_key ${q(opts.pki.serverKey)};
    ssl_client_certificate ${q(opts.pki.caCert)};
    ssl_verify_client on;
    location / {
      ${opts.apiKey ? `if ($http_authorization != ${q(`Bearer ${opts.apiKey}`)}) { return 401; }` : ''}
      # Workers long-poll for about 70 s.
      grpc_read_timeout 300s;
      grpc_send_timeout 300s;
      grpc_pass grpc://${opts.upstream};
    }
  }
}
`;
  const confFile = path.join(opts.dir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const proc: ResultPromise = execa('nginx', ['-c', confFile, '-p', opts.dir, '-g', 'daemon off;'], { reject: false });
  let exited = false;
  void proc.then(() => { exited = true; });
  await waitFor('nginx to listen', async () => {
    if (exited) {
      const r = await proc;
      throw new Error(`nginx exited: ${r.stderr} ${fs.existsSync(path.join(opts.dir, 'error.log')) ? fs.readFileSync(path.join(opts.dir, 'error.log'), 'utf8') : ''}`);
    }
    return new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
    });
  }, 15_000);
  return {
    address: `localhost:${port}`,
    async stop() {
      proc.kill('SIGQUIT');
      await proc;
    },
  };
}
