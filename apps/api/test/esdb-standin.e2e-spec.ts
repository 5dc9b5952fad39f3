import { runThisFileOn } from '../../../test/support/api-harness.js';

/**
 * The API's e2e suites once more, on EventStoreDB: every API these suites
 * start gets ONRECORD_STORE=esdb://127.0.0.1:<port>?tls=false pointing at a
 * fresh in-process stand-in that speaks the real gRPC protocol, reached
 * through the real client and the EsdbEventStore adapter. The suites are
 * the embedded ones, imported after choosing the store (jest gives this file
 * its own copy of the harness); their SQLite-only tests skip themselves.
 */
runThisFileOn('esdb');

await import('./platform.e2e-spec.js');
await import('./access.e2e-spec.js');
await import('./policies.e2e-spec.js');
await import('./account-story.e2e-spec.js');
