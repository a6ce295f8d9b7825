// Runs graphql-http's GraphQL-over-HTTP audit (auditServer) against the
// gateway at AUDIT_URL, each request carrying the bearer token AUDIT_TOKEN,
// and prints every result. It exits non-zero on any failed MUST or SHOULD
// audit (MAY audits are printed, not counted). Run by
// e2e/graphqlhttp_audit_test.go after `npm ci` in this directory.
import { auditServer } from 'graphql-http';

const url = process.env.AUDIT_URL;
const token = process.env.AUDIT_TOKEN;
if (!url) {
  console.error('AUDIT_URL is required');
  process.exit(2);
}

// Every audit request carries what a client of the gateway sends: the
// token (the gateway answers anonymous requests too, but a viewer is what a
// client has) and, unless AUDIT_PREFLIGHT=off, a GraphQL-Require-Preflight
// header, without which the gateway refuses every GET as a possible
// cross-site request (CSRF_PREVENTED): with it, the audit's GETs test GET
// itself. Without it, three MAY audits of GET fail as notices.
function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (process.env.AUDIT_PREFLIGHT !== 'off') headers.set('GraphQL-Require-Preflight', '1');
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn });
let failed = 0;
for (const r of results) {
  const level = r.name.split(' ')[0];
  if (r.status === 'ok') {
    console.log(`ok     ${r.id} ${r.name}`);
    continue;
  }
  const counted = level === 'MUST' || level === 'SHOULD';
  if (counted) failed++;
  let body = '';
  try {
    body = (await r.response.text()).slice(0, 300);
  } catch {
    // the body was read by the audit
  }
  console.log(`${counted ? 'FAIL' : r.status.padEnd(6)} ${r.id} ${r.name}: ${r.reason} [${r.response.status}] ${body}`);
}
console.log(`${results.length} audits, ${failed} MUST or SHOULD failed`);
process.exit(failed === 0 ? 0 : 1);
