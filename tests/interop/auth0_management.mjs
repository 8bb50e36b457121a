// node-auth0 (the `auth0` package) as a backend uses it against an Auth0 tenant's Management API v2:
// a ManagementClient given a client id and secret gets its own token from the tenant's /oauth/token
// (audience https://<domain>/api/v2/), then creates a user, finds them (q, users-by-email, pages of
// one with include_totals), merges user_metadata, gives them a role, and deletes them; a duplicate
// and a missing user are the SDK's ConflictError and NotFoundError. Every SDK default kept; the
// server's CA is trusted through NODE_EXTRA_CA_CERTS.
// Job: {"domain" (host:port, the tenant at the root), "clientId", "clientSecret", "email", "password"}
import { ManagementClient } from 'auth0';
import { runJob } from './_cli.mjs';

function failure(err) {
  return { name: err.constructor.name, status: err.statusCode, body: err.body };
}

await runJob(async (job) => {
  const client = new ManagementClient({ domain: job.domain, clientId: job.clientId, clientSecret: job.clientSecret });
  const connection = 'Username-Password-Authentication';
  const created = await client.users.create({
    connection, email: job.email, password: job.password, user_metadata: { plan: 'silver', theme: 'dark' } });
  const searched = (await client.users.list({ q: `email:"${job.email}"`, search_engine: 'v3' })).data;
  const byEmail = await client.users.listUsersByEmail({ email: job.email.toUpperCase() });
  // include_totals is the SDK's default; the Page follows page=1, 2... while pages are full.
  const everyone = [];
  for await (const user of await client.users.list({ per_page: 1 })) {
    everyone.push(user.email);
  }
  const updated = await client.users.update(created.user_id, { user_metadata: { plan: 'gold', theme: null } });
  const role = await client.roles.create({ name: 'node-role', description: 'From node-auth0' });
  await client.users.roles.assign(created.user_id, { roles: [role.id] });
  const roles = (await client.users.roles.list(created.user_id)).data.map((r) => r.name);
  let duplicate = null;
  try {
    await client.users.create({ connection, email: job.email, password: job.password });
  } catch (err) {
    duplicate = failure(err);
  }
  await client.users.delete(created.user_id);
  let gone = null;
  try {
    await client.users.get(created.user_id);
  } catch (err) {
    gone = failure(err);
  }
  return {
    userId: created.user_id, searched: searched.map((u) => u.user_id), byEmail: byEmail.map((u) => u.user_id),
    everyone, metadata: updated.user_metadata, roles, duplicate, gone,
  };
});
