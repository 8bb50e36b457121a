// node-auth0 (the `auth0` package) 7 as a B2B backend reads an Auth0 tenant's organizations through
// the Management API v2: its ManagementClient gets its own token (client id and secret), lists every
// organization in checkpoint pages of two (the SDK follows `next`), finds one by name and by id, lists
// its members, and meets a missing organization as the SDK's NotFoundError. Every SDK default kept;
// the server's CA is trusted through NODE_EXTRA_CA_CERTS.
// Job: {"domain" (host:port, the tenant at the root), "clientId", "clientSecret", "name"}
import { ManagementClient } from 'auth0';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const client = new ManagementClient({ domain: job.domain, clientId: job.clientId, clientSecret: job.clientSecret });
  const names = [];
  for await (const organization of await client.organizations.list({ take: 2 })) {
    names.push(organization.name);
  }
  const byName = await client.organizations.getByName(job.name);
  const byId = await client.organizations.get(byName.id);
  const members = [];
  for await (const member of await client.organizations.members.list(byId.id)) {
    members.push({ user_id: member.user_id, email: member.email });
  }
  let missing = null;
  try {
    await client.organizations.get('org_0000000000000000');
  } catch (err) {
    missing = { name: err.constructor.name, status: err.statusCode, body: err.body };
  }
  return { names, byName, byId, members, missing };
});
