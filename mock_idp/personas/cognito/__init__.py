"""Amazon Cognito user pools: the pool's issuer (`https://cognito-idp.<region>.amazonaws.com/<pool
id>`), the hosted UI's OAuth endpoints (`/oauth2/...`) and the user-pool JSON API that boto3's
`cognito-idp` client and Amplify call.

What fakes which part:
- flavor.py: the persona's data and claim hooks (`token_use`, `cognito:groups`, `custom:*`), and its
  two signing keys (`signing_key_roles`: one for access tokens, one for ID tokens).
- userinfo.py: /oauth2/userInfo's refusals in Cognito's words.
- user_pool_api.py: the JSON API's wire format (`X-Amz-Target`, AWS JSON 1.1 errors).
- sign_in.py: its sign-in operations (InitiateAuth, AdminInitiateAuth), password_auth.py their password check; token_operations.py: GetUser,
  GlobalSignOut, RevokeToken; token_refresh.py: REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken,
  as the app client's refresh token rotation says; issued.py: the tokens they answer; parameters.py: what the operations read (ClientId, SECRET_HASH...);
  errors.py: its AWS JSON errors.
- pre_token_generation.py, answer.py: the pre-token-generation Lambda trigger (the event, the call,
  the answer applied to the tokens).
- sign_up.py: SignUp, ConfirmSignUp, AdminConfirmSignUp, RespondToAuthChallenge (NEW_PASSWORD_REQUIRED).
- admin_api.py, pool_groups.py, pool_users.py, listing.py: the admin operations on users and groups (SigV4-signed).
- password_reset.py, self_service.py, codes.py: forgotten and changed passwords, the user's own account
  (access token), the codes Cognito would send. regional.py: the pool a call to the server's root is for.
"""

from .flavor import PROFILE

__all__ = ["PROFILE"]
