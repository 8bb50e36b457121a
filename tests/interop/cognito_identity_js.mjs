// amazon-cognito-identity-js against a pool of the Cognito persona, with its own defaults (its
// sign-in is USER_SRP_AUTH) except `endpoint` (its documented option for a custom service endpoint).
// Over --tls, node trusts the local CA through NODE_EXTRA_CA_CERTS.
// Job: {"endpoint", "userPoolId", "clientId", "username", "password", "newPassword"}
// Does what an app does: sign in, read and update the attributes, refresh, change the password,
// sign out (RevokeToken, as the token carries origin_jti), then tries the revoked refresh token.
import cognito from 'amazon-cognito-identity-js';
import { runJob } from './_cli.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

const call = (fn) => new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
const failure = (err) => ({ code: err.code || err.name, message: err.message });

await runJob(async (job) => {
  const pool = new CognitoUserPool({ UserPoolId: job.userPoolId, ClientId: job.clientId, endpoint: job.endpoint });
  const user = new CognitoUser({ Username: job.username, Pool: pool });
  const signIn = (password) => new Promise((resolve, reject) => user.authenticateUser(
    new AuthenticationDetails({ Username: job.username, Password: password }),
    { onSuccess: resolve, onFailure: reject, newPasswordRequired: () => reject(new Error('newPasswordRequired')) }));

  const wrong = await signIn('not-the-password').then(() => null, failure);
  const session = await signIn(job.password);
  const attributes = await call((cb) => user.getUserAttributes(cb));
  await call((cb) => user.updateAttributes([new CognitoUserAttribute({ Name: 'given_name', Value: 'Updated' })], cb));
  const updated = await call((cb) => user.getUserAttributes(cb));
  const refreshToken = session.getRefreshToken();
  const refreshed = await call((cb) => user.refreshSession(refreshToken, cb));
  await call((cb) => user.changePassword(job.password, job.newPassword, cb));
  await call((cb) => user.signOut(cb));
  const afterSignOut = await call((cb) => user.refreshSession(refreshToken, cb)).then(() => null, failure);
  const again = await signIn(job.newPassword);
  return {
    wrongPassword: wrong,
    idToken: session.getIdToken().decodePayload(),
    accessToken: session.getAccessToken().decodePayload(),
    attributes: Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()])),
    givenNameAfterUpdate: updated.find((a) => a.getName() === 'given_name')?.getValue(),
    refreshedAccessToken: refreshed.getAccessToken().decodePayload(),
    refreshAfterSignOut: afterSignOut,
    signedInWithNewPassword: again.isValid(),
  };
});
