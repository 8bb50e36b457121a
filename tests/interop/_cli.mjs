// Shared plumbing for the interop CLIs: read ONE JSON job from stdin, run it,
// print ONE JSON object on stdout. Library/verification errors become
// {"ok": false, "error": "<name>: <message>"} with exit code 0; only a crash of
// the script itself (bad job JSON, bug) exits non-zero.
import { text } from 'node:stream/consumers';

export function describeError(err) {
  const name = err?.code || err?.name || 'Error';
  return `${name}: ${err?.message ?? String(err)}`;
}

export async function runJob(handler) {
  const job = JSON.parse(await text(process.stdin));
  let result;
  try {
    result = { ok: true, ...(await handler(job)) };
  } catch (err) {
    result = { ok: false, error: describeError(err) };
    // openid-client attaches details (e.g. the offending response body) as `cause`.
    if (err?.cause !== undefined) {
      result.cause = err.cause instanceof Error ? describeError(err.cause) : err.cause;
    }
  }
  // Some libraries keep sockets/timers alive (JWKS caches); exit explicitly
  // once the single output line has been flushed.
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}
