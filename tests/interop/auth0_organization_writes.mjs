// node-auth0 (the `auth0` package) 7 as a B2B test suite sets up its organizations through the
// Management API v2: its ManagementClient (own token, client id and secret) creates an
// organization, adds a member, invites someone, renames it, removes the member and deletes it, and meets a taken
// name as the SDK's ConflictError. Every SDK default kept; the CA is trusted through NODE_EXTRA_CA_CERTS.
// Job: {"domain" (host:port, the tenant at the root), "clientId", "clientSecret", "name", "userId", "taken",
//       "invitee" (an email), "invitingClient" (the application the invitation is for)}
import { ManagementClient } from 'auth0';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const client = new ManagementClient({ domain: job.domain, clientId: job.clientId, clientSecret: job.clientSecret });
  const created = await client.organizations.create({ name: job.name, display_name: 'Created by node-auth0' });
  await client.organizations.members.create(created.id, { members: [job.userId] });
  const members = [];
  for await (const member of await client.organizations.members.list(created.id)) {
    members.push(member.user_id);
  }
  const invitation = await client.organizations.invitations.create(created.id, {
    inviter: { name: 'node-auth0' }, invitee: { email: job.invitee }, client_id: job.invitingClient,
  });
  const renamed = await client.organizations.update(created.id, { name: `${job.name}-renamed` });
  await client.organizations.members.delete(created.id, { members: [job.userId] });
  const left = [];
  for await (const member of await client.organizations.members.list(created.id)) {
    left.push(member.user_id);
  }
  let conflict = null;
  try {
    await client.organizations.create({ name: job.taken });
  } catch (err) {
    conflict = { name: err.constructor.name, status: err.statusCode, body: err.body };
  }
  await client.organizations.delete(created.id);
  let gone = null;
  try {
    await client.organizations.get(created.id);
  } catch (err) {
    gone = { name: err.constructor.name, status: err.statusCode };
  }
  return { created, members, invitation, renamed, left, conflict, gone };
});
