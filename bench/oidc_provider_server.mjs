// panva's oidc-provider with the smallest config that serves client_credentials JWTs.
// Usage: node oidc_provider_server.mjs PORT   (copied next to its node_modules by bench/targets.py)
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench-service',
    client_secret: 'bench-service-secret',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  }],
  features: {
    clientCredentials: { enabled: true },
    // JWT access tokens (signed with RS256) like the other mocks, not opaque ones.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:bench:api',
      getResourceServerInfo: () => ({ audience: 'urn:bench:api', accessTokenFormat: 'jwt', scope: '' }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${provider.issuer}`));
