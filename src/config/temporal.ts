// Temporal's variables. The connection (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
// TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE) is read by the SDK's own loader, @temporalio/envconfig, called from
// src/temporal/connection.ts: those variables and profile files then work as in every Temporal app, so they
// are deliberately not re-parsed here. What is ours: which Temporal CLI runs the embedded dev server.
import fs from 'node:fs';

/** TEMPORAL_CLI_PATH, when set (unset: the cached pinned CLI, scripts/install-temporal.sh). */
export function temporalCliPathFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (!fromEnv) return undefined;
  if (!fs.existsSync(fromEnv)) {
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not exist; unset it to use the pinned CLI, or fix the path`);
  }
  return fromEnv;
}
