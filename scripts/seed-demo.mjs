#!/usr/bin/env node
/**
 * Seeds a demo into a running OnRecord API, over HTTP only (as any client
 * would): a policy, three people (a sales rep, a service rep, an auditor),
 * two accounts and a few statements on the record, one of them refused and
 * recorded as refused.
 *
 *   ONRECORD_URL=http://127.0.0.1:3000 ONRECORD_BOOTSTRAP_KEY=onr_... node scripts/seed-demo.mjs
 *
 * ONRECORD_BOOTSTRAP_KEY is the first manager's key (the API was started with
 * the same value). Safe to run again: a demo already seeded is left alone.
 * It prints the demo people's keys: demo data only, never do this with real keys.
 * Plain Node.js 20 (global fetch), no dependencies, so it runs from any image.
 */

const baseUrl = (process.env.ONRECORD_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const managerKey = process.env.ONRECORD_BOOTSTRAP_KEY;
const waitSeconds = Number(process.env.ONRECORD_SEED_WAIT_SECONDS || 120);

if (!managerKey) {
  console.error('ONRECORD_BOOTSTRAP_KEY is required: the manager key the API was started with');
  process.exit(2);
}

const DAY_MS = 86_400_000;
const day = (offset) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

/** One JSON request; answers { status, body }. Network errors are thrown. */
async function call(method, path, key, body, headers = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** Fails the seed with what the API said. */
function expectStatus(what, response, ...allowed) {
  if (allowed.includes(response.status)) return response;
  console.error(`${what}: HTTP ${response.status}`, JSON.stringify(response.body, null, 2));
  process.exit(1);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady() {
  const deadline = Date.now() + waitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const health = await call('GET', '/health', null);
      if (health.status === 200 && health.body?.store?.ready) return health.body;
      if (Date.now() > deadline) throw new Error(`not ready: ${JSON.stringify(health.body)}`);
    } catch (error) {
      if (Date.now() > deadline) {
        console.error(`${baseUrl} did not become ready in ${waitSeconds}s: ${error.message}`);
        process.exit(1);
      }
    }
    if (attempt === 1) console.log(`waiting for ${baseUrl}/health …`);
    await pause(2000);
  }
}

/**
 * A key just issued on one replica reaches the others' actor directories a
 * moment later (their catch-up subscription); behind a load balancer the
 * next request may land on another replica, so a fresh key is retried briefly.
 */
async function asFreshKey(key, request) {
  for (let attempt = 1; ; attempt++) {
    const response = await request(key);
    if (response.status !== 401 || attempt === 20) return response;
    await pause(100);
  }
}

const policy = {
  currency: 'USD',
  grossProfitFloorBps: 2200,
  authority: {
    service: {
      maxDiscountBps: 200,
      mayPayFreight: false,
      mayAbsorbExpediteCost: false,
      maxCreditMinor: 10_000,
      maxNetDays: 30,
      mayStateEarlyPaymentDiscount: false,
    },
    sales: {
      maxDiscountBps: 500,
      mayPayFreight: true,
      mayAbsorbExpediteCost: true,
      maxCreditMinor: 100_000,
      maxNetDays: 45,
      mayStateEarlyPaymentDiscount: true,
    },
    manager: {
      maxDiscountBps: 1500,
      mayPayFreight: true,
      mayAbsorbExpediteCost: true,
      maxCreditMinor: 1_000_000,
      maxNetDays: 60,
      mayStateEarlyPaymentDiscount: true,
    },
  },
  freight: { maxShareOfOrderGrossProfitBps: 2000 },
  concessionCatalogue: [
    { code: 'extended-warranty', description: 'Warranty extended by 12 months' },
    { code: 'priority-support', description: 'Priority support line for a quarter' },
  ],
  defaultLeadTimeDays: { blanket: 15, kanban: 10, standard: 20 },
  lateEntryThresholdMinutes: 1440,
  paymentTerms: { allowedNetDays: [30, 45], earlyPaymentDiscounts: [{ bps: 200, withinDays: 10 }] },
  escalationChain: ['service', 'sales'],
  entitlementTiers: [
    {
      code: 'standard',
      name: 'Standard',
      minTrailingSpendMinor: 0,
      entitlements: {
        maxDiscountBps: 300,
        freeFreightThresholdMinor: null,
        rebateBps: 0,
        commitments: ['Order acknowledged within one business day'],
      },
    },
    {
      code: 'gold',
      name: 'Gold',
      minTrailingSpendMinor: 50_000_000,
      entitlements: {
        maxDiscountBps: 800,
        freeFreightThresholdMinor: 2_000_000,
        rebateBps: 150,
        commitments: ['Dedicated service rep'],
      },
    },
  ],
};

const people = [
  { id: 'sam-sales', name: 'Sam Sales', role: 'sales' },
  { id: 'sue-service', name: 'Sue Service', role: 'service' },
  { id: 'ada-auditor', name: 'Ada Auditor', role: 'auditor' },
];

const health = await waitUntilReady();
console.log(`${baseUrl} is up on the ${health.store.kind} store`);

expectStatus('check the manager key', await call('GET', '/me', managerKey), 200);

const current = await call('GET', '/policies/current', managerKey);
if (current.status === 409) {
  const published = await call('POST', '/policies', managerKey, {
    policy,
    note: 'Demo policy: 22% GP floor, Net 30/45',
  });
  expectStatus('publish the policy', published, 201);
  console.log(`published policy version ${published.body.version}`);
} else {
  expectStatus('read the policy in force', current, 200);
  console.log(`policy version ${current.body.version} is in force`);
}

const already = await call('GET', '/accounts/acme-demo', managerKey);
if (already.status === 200) {
  console.log('the demo accounts are already on the record; nothing to do');
  process.exit(0);
}

const keys = {};
for (const person of people) {
  const registered = await call('POST', '/actors', managerKey, person);
  if (registered.status === 409) {
    const issued = await call('POST', `/actors/${person.id}/keys`, managerKey);
    keys[person.id] = expectStatus(`issue a key to ${person.id}`, issued, 201).body.key;
  } else {
    keys[person.id] = expectStatus(`register ${person.id}`, registered, 201).body.key;
  }
}
console.log(`registered ${people.map((p) => `${p.id} (${p.role})`).join(', ')}`);

const phone = { channel: 'phone', counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' } };
const sam = keys['sam-sales'];
const sue = keys['sue-service'];

for (const account of [
  { accountId: 'acme-demo', name: 'Acme Fasteners', segment: 'industrial' },
  { accountId: 'globex-demo', name: 'Globex Components', segment: 'mid-market' },
]) {
  const opened = await asFreshKey(sam, (key) =>
    call('POST', '/accounts', key, {
      ...phone,
      ...account,
      ownerId: 'sam-sales',
      serviceRepIds: ['sue-service'],
    }),
  );
  expectStatus(`open ${account.accountId}`, opened, 201);
  console.log(`opened ${account.accountId} at position ${opened.body.position}`);
}

const statements = [
  [
    'acme-demo: expectations agreed at onboarding',
    sam,
    '/accounts/acme-demo/expectations',
    {
      channel: 'meeting',
      mustDo: ['Confirm every order within one business day'],
      mustNeverDo: ['Ship partial orders without asking'],
      ifWeSlipOnce: 'A call from the sales rep and a written recovery plan within 48 hours',
      serviceLevels: [],
    },
  ],
  [
    'acme-demo: quote Q-100 at 29% gross profit',
    sam,
    '/accounts/acme-demo/quotes',
    {
      ...phone,
      quoteId: 'Q-100',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
      validUntil: day(30),
      terms: 'Net 30',
    },
  ],
  [
    'acme-demo: Net 30 stated on the quote',
    sam,
    '/accounts/acme-demo/payment-terms',
    { ...phone, netDays: 30, context: { kind: 'quote', referenceId: 'Q-100' } },
  ],
  [
    'acme-demo: a delivery promise',
    sue,
    '/accounts/acme-demo/promises',
    {
      ...phone,
      category: 'delivery',
      text: 'The replacement parts ship by Friday',
      dueDate: day(4),
      scope: { kind: 'contract', id: 'MSA-1' },
    },
  ],
  [
    'globex-demo: quote Q-200 below the floor (refused, and the refusal recorded)',
    sam,
    '/accounts/globex-demo/quotes',
    {
      ...phone,
      quoteId: 'Q-200',
      currency: 'USD',
      lines: [{ sku: 'G-7', quantity: 50, unitPriceMinor: 1000, unitCostMinor: 850 }],
      validUntil: day(14),
      terms: 'Net 45',
    },
  ],
  [
    'globex-demo: a complaint',
    sue,
    '/accounts/globex-demo/complaints',
    { ...phone, complaintId: 'C-1', about: 'Invoice sent to the wrong address' },
  ],
];

for (const [what, key, path, body] of statements) {
  const recorded = await asFreshKey(key, (fresh) => call('POST', path, fresh, body));
  expectStatus(what, recorded, 201, 422);
  const refused = recorded.status === 422 ? ` (refused: ${recorded.body.code})` : '';
  console.log(`recorded ${what}${refused}`);
}

console.log('\nDemo keys (demo data only):');
for (const person of people) console.log(`  ${person.id.padEnd(12)} ${keys[person.id]}`);
console.log(
  `\nTry: curl -s -H "authorization: Bearer ${keys['ada-auditor']}" ${baseUrl}/accounts/acme-demo`,
);
