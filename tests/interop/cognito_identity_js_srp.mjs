// amazon-cognito-identity-js's default sign-in, USER_SRP_AUTH (CognitoUser.authenticationFlowType's
// default), against a pool of the Cognito persona: nothing set but `endpoint` (its documented option
// for a custom service endpoint). Over --tls, node trusts the local CA through NODE_EXTRA_CA_CERTS.
// Job: {"endpoint", "userPoolId", "clientId", "username", "password", "wrongPassword",
//       "newUser", "temporaryPassword", "newPassword"}
// A wrong password, then the right one (the tokens are returned for aws-jwt-verify, in its own
// process), then a user with a temporary password: newPasswordRequired, completed.
import cognito from 'amazon-cognito-identity-js';
import { runJob } from './_cli.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;
const failure = (err) => ({ code: err.code || err.name, message: err.message });

await runJob(async (job) => {
  const pool = new CognitoUserPool({ UserPoolId: job.userPoolId, ClientId: job.clientId, endpoint: job.endpoint });
  const signIn = (user, username, password, newPassword) => new Promise((resolve, reject) => user.authenticateUser(
    new AuthenticationDetails({ Username: username, Password: password }),
    {
      onSuccess: (session) => resolve({ session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes) => {
        if (newPassword === undefined) return reject(new Error('newPasswordRequired'));
        // The library's own answer: NEW_PASSWORD_REQUIRED with the Session it kept.
        user.completeNewPasswordChallenge(newPassword, {}, {
          onSuccess: (session) => resolve({ session, challenged: userAttributes }),
          onFailure: reject,
        });
      },
    }));

  const user = new CognitoUser({ Username: job.username, Pool: pool });
  const flow = user.getAuthenticationFlowType();
  const wrong = await signIn(user, job.username, job.wrongPassword).then(() => null, failure);
  const { session } = await signIn(user, job.username, job.password);
  const newcomer = new CognitoUser({ Username: job.newUser, Pool: pool });
  const changed = await signIn(newcomer, job.newUser, job.temporaryPassword, job.newPassword);
  const again = await signIn(new CognitoUser({ Username: job.newUser, Pool: pool }), job.newUser, job.newPassword);
  return {
    flow,
    wrongPassword: wrong,
    idToken: session.getIdToken().getJwtToken(),
    accessToken: session.getAccessToken().getJwtToken(),
    newPasswordChallenged: changed.challenged,
    newUserAccessToken: changed.session.getAccessToken().decodePayload(),
    signedInWithNewPassword: again.session.isValid(),
  };
});
