// A SAML 2.0 identity provider for the sign-in tests (auth0's samlp, on loopback).
// Usage: node saml_idp.js PORT, with IDP_CONFIG in the environment: JSON of
//   {"issuer", "cert_file", "key_file", "accounts": {login: {email, given_name, family_name,
//    attributes: {name: value}}}}.
// GET /metadata: its metadata. GET /sso?SAMLRequest=…: a login page naming the account;
// its POST answers with a signed assertion, posted by the browser to the service
// provider's assertion consumer service (as the AuthnRequest names it).
const fs = require('node:fs');
const http = require('node:http');
const { URL, URLSearchParams } = require('node:url');
const zlib = require('node:zlib');
const samlp = require('samlp');

const port = Number(process.argv[2]);
const config = JSON.parse(process.env.IDP_CONFIG);
const cert = fs.readFileSync(config.cert_file, 'utf8');
const key = fs.readFileSync(config.key_file, 'utf8');
const base = `http://127.0.0.1:${port}`;

function ProfileMapper(user) {
  if (!(this instanceof ProfileMapper)) return new ProfileMapper(user);
  this.user = user;
}
ProfileMapper.prototype.getClaims = function () {
  return {
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': this.user.email,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': this.user.given_name,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': this.user.family_name,
    ...(this.user.attributes || {}),
  };
};
ProfileMapper.prototype.getNameIdentifier = function () {
  return { nameIdentifier: this.user.id };
};
ProfileMapper.prototype.metadata = [];

const options = {
  issuer: config.issuer,
  cert,
  key,
  profileMapper: ProfileMapper,
  lifetimeInSeconds: 300,
  getUserFromRequest: (req) => req.user,
  getPostURL(audience, samlRequestDom, req, callback) {
    const acs = samlRequestDom && samlRequestDom.documentElement.getAttribute('AssertionConsumerServiceURL');
    callback(null, acs);
  },
};

// The service provider's assertion consumer service, as its AuthnRequest (HTTP-Redirect
// binding: deflated, base64) names it: the response's Destination.
function consumerServiceOf(samlRequest) {
  const xml = zlib.inflateRawSync(Buffer.from(samlRequest, 'base64')).toString();
  const found = /AssertionConsumerServiceURL="([^"]+)"/.exec(xml);
  return found ? found[1].replace(/&amp;/g, '&') : undefined;
}
const metadata = samlp.metadata({
  issuer: config.issuer,
  cert,
  redirectEndpointPath: '/sso',
  postEndpointPath: '/sso',
  logoutEndpointPaths: {},
});

function expressLike(req, res) {
  res.set = (name, value) => res.setHeader(name, value);
  res.send = (first, second) => {
    const [status, body] = typeof first === 'number' ? [first, second] : [200, first];
    res.statusCode = status;
    res.end(body === undefined ? '' : String(body));
  };
  req.protocol = 'http';
  req.get = (name) => req.headers[name.toLowerCase()];
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const server = http.createServer((req, res) => {
  expressLike(req, res);
  const url = new URL(req.url, base);
  req.query = Object.fromEntries(url.searchParams);
  if (url.pathname === '/metadata') {
    metadata(req, res);
    return;
  }
  if (url.pathname !== '/sso') {
    res.send(404, 'not found');
    return;
  }
  if (req.method === 'GET') {
    res.set('Content-Type', 'text/html');
    res.send(`<!doctype html><html lang="en"><head><title>Test IdP</title></head><body>
      <h1>Test identity provider</h1>
      <form method="post" action="/sso${escapeHtml(url.search)}">
        <label for="login">Login</label> <input id="login" name="login">
        <button type="submit">Sign in</button>
      </form></body></html>`);
    return;
  }
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const login = new URLSearchParams(body).get('login');
    const account = config.accounts[login];
    if (!account) {
      res.send(401, 'unknown login');
      return;
    }
    req.user = { id: login, ...account };
    const authenticate = samlp.auth({
      ...options,
      destination: consumerServiceOf(req.query.SAMLRequest || ''),
    });
    authenticate(req, res, (error) => res.send(500, String(error)));
  });
});

server.listen(port, '127.0.0.1', () => console.log(`saml idp listening on ${port}`));
