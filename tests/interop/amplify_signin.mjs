// Amplify JS v6 `signIn` with its defaults (USER_SRP_AUTH) against a pool of the Cognito persona:
// configured as its docs say, `userPoolEndpoint` being its option for a custom endpoint. Over
// --tls, node trusts the local CA through NODE_EXTRA_CA_CERTS. The AuthFlow each InitiateAuth
// names is read off the requests (fetch is watched, not changed), to show the default was used.
// Job: {"endpoint", "userPoolId", "clientId", "username", "password", "wrongPassword",
//       "newUser", "temporaryPassword", "newPassword"}
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { runJob } from './_cli.mjs';

const flows = [];
const fetched = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  if (String(init?.headers?.['x-amz-target'] ?? '').endsWith('.InitiateAuth')) {
    flows.push(JSON.parse(init.body).AuthFlow);
  }
  return fetched(url, init);
};
const failure = (err) => ({ code: err.name, message: err.message });

await runJob(async (job) => {
  Amplify.configure({
    Auth: { Cognito: { userPoolId: job.userPoolId, userPoolClientId: job.clientId, userPoolEndpoint: job.endpoint } },
  });
  const wrong = await signIn({ username: job.username, password: job.wrongPassword }).then(() => null, failure);
  const signedIn = await signIn({ username: job.username, password: job.password });
  const { tokens } = await fetchAuthSession();
  await signOut();
  const challenged = await signIn({ username: job.newUser, password: job.temporaryPassword });
  const confirmed = await confirmSignIn({ challengeResponse: job.newPassword });
  const newcomer = await fetchAuthSession();
  return {
    flows,
    wrongPassword: wrong,
    signInStep: signedIn.nextStep.signInStep,
    idToken: tokens.idToken.toString(),
    accessToken: tokens.accessToken.toString(),
    challengeStep: challenged.nextStep.signInStep,
    confirmedStep: confirmed.nextStep.signInStep,
    newUserName: newcomer.tokens.accessToken.payload.username,
  };
});
