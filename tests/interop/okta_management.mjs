// @okta/okta-sdk-nodejs as a backend uses it against an Okta org's Users and Groups API (an SSWS API
// token): create an active user with a password, create a group and add the user, find the user with
// `search` (paging through the Collection), then deactivate and delete; a duplicate login is the
// SDK's OktaApiError. Every SDK default kept; the server's CA is trusted through NODE_EXTRA_CA_CERTS.
// Job: {"orgUrl", "token", "login", "password", "group"}
import okta from '@okta/okta-sdk-nodejs';
import { runJob } from './_cli.mjs';

await runJob(async (job) => {
  const client = new okta.Client({ orgUrl: job.orgUrl, token: job.token });
  const profile = { firstName: 'Nora', lastName: 'Node', email: job.login, login: job.login };
  const user = await client.userApi.createUser({
    body: { profile, credentials: { password: { value: job.password } } }, activate: true });
  const group = await client.groupApi.createGroup({ group: { profile: { name: job.group } } });
  await client.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });
  const members = [];
  for await (const member of await client.groupApi.listGroupUsers({ groupId: group.id })) {
    members.push(member.id);
  }
  const found = [];
  // limit 1: the Collection follows the Link header's next page by itself.
  const search = await client.userApi.listUsers({
    search: 'profile.lastName eq "Node" or profile.login eq "alice@example.com"', limit: 1 });
  for await (const each of search) {
    found.push(each.profile.login);
  }
  let duplicate = null;
  try {
    await client.userApi.createUser({ body: { profile, credentials: { password: { value: job.password } } } });
  } catch (err) {
    duplicate = { name: err.name, status: err.status, errorCode: err.errorCode };
  }
  await client.userApi.deleteUser({ userId: user.id }); // Okta: the first delete deactivates
  const deactivated = (await client.userApi.getUser({ userId: user.id })).status;
  await client.userApi.deleteUser({ userId: user.id });
  let gone = null;
  try {
    await client.userApi.getUser({ userId: user.id });
  } catch (err) {
    gone = { status: err.status, errorCode: err.errorCode };
  }
  return { userId: user.id, status: user.status, groupId: group.id, members, found, duplicate, deactivated, gone };
});
