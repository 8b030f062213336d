// How every part of AI WebTV (CLI, workers, servers) finds and reaches Temporal: the SDK's own loader of
// connection profiles (@temporalio/envconfig), so TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML profile file work exactly as in every Temporal app, and
// Temporal Cloud or a cluster with mTLS needs no code.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import fs from 'node:fs';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** The address came from the environment or a profile (not our default): use that Service, start none. */
  configured: boolean;
  /** Connection options shared by the client's Connection and the worker's NativeConnection. */
  options: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>;
  /** For logs and errors: the address and how we authenticate, never a secret. */
  describe: string;
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Reads the connection settings; throws one line naming the variable or file to fix. */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  // envconfig quietly ignores a TEMPORAL_CONFIG_FILE that does not exist; a typo there deserves an error.
  if (env.TEMPORAL_CONFIG_FILE && !fs.existsSync(env.TEMPORAL_CONFIG_FILE)) {
    throw new Error(`TEMPORAL_CONFIG_FILE=${env.TEMPORAL_CONFIG_FILE} does not exist; fix the path or unset it`);
  }
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: definedEnv(env) });
  } catch (err) {
    const where = env.TEMPORAL_CONFIG_FILE ? `TEMPORAL_CONFIG_FILE=${env.TEMPORAL_CONFIG_FILE}` : 'the Temporal profile file (~/.config/temporalio/temporal.toml)';
    throw new Error(`cannot read the Temporal connection settings (${(err as Error).message}); check TEMPORAL_PROFILE, ${where} and the TEMPORAL_TLS_* paths`);
  }
  const o = loaded.connectionOptions;
  const configured = !!o.address;
  const address = o.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const namespace = loaded.namespace ?? 'default';
  const how = [
    o.tls ? (typeof o.tls === 'object' && o.tls.clientCertPair ? 'mTLS' : 'TLS') : null,
    o.apiKey ? 'API key' : null,
  ].filter(Boolean).join(', ');
  return {
    address, namespace, configured,
    options: { address, ...(o.tls !== undefined ? { tls: o.tls } : {}), ...(o.apiKey ? { apiKey: o.apiKey } : {}), ...(o.metadata ? { metadata: o.metadata } : {}) },
    describe: `${address} (namespace ${namespace}${how ? `, ${how}` : ''})`,
  };
}

/** The dev server we started ourselves: plain gRPC on loopback, namespace default. */
export function devServerTarget(address: string): TemporalTarget {
  return { address, namespace: 'default', configured: false, options: { address }, describe: `${address} (our dev server)` };
}

function unreachable(target: TemporalTarget, err: unknown, hint: string): Error {
  return new Error(`cannot reach Temporal at ${target.describe}: ${(err as Error).message}; ${hint}`);
}

const HINT = 'start it with "npm start" or "webtv dev", or set TEMPORAL_ADDRESS (or TEMPORAL_PROFILE) to your Temporal Service';

/** A client for the CLI and the servers. Close `connection` when done. */
export async function connectClient(target: TemporalTarget, hint = HINT): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ ...target.options, connectTimeout: 5_000 })
    .catch((err) => { throw unreachable(target, err, hint); });
  return { client: new Client({ connection, namespace: target.namespace }), connection };
}

/** The connection a worker polls on. */
export async function connectWorker(target: TemporalTarget, hint = HINT): Promise<NativeConnection> {
  return NativeConnection.connect(target.options).catch((err) => { throw unreachable(target, err, hint); });
}
