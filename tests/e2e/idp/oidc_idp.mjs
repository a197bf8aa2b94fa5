// An OpenID Connect provider for the sign-in tests (node's oidc-provider, on loopback).
// Usage: node oidc_idp.mjs PORT, with IDP_CONFIG in the environment: JSON of
//   {"client": {"client_id", "client_secret", "redirect_uris"}, "accounts": {login: claims}}.
// Its development login page takes any account's login and any password; an account's
// claims (email, email_verified, names, more) are given by the tests.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const { client, accounts } = JSON.parse(process.env.IDP_CONFIG);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // allauth sends its client secret in the token request's body.
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'affiliation'],
  },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['sign-in-tests-only'] },
  // Stay quiet about development-only settings.
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<h1>oidc error</h1><pre>${JSON.stringify(out)}</pre>`;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc idp listening on ${port}`);
});
