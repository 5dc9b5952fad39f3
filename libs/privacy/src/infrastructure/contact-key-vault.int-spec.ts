import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { SqliteContactKeyVault } from './contact-key-vault.js';

const newKey = (): Buffer => randomBytes(32);

// Two replicas on one host pointing ONRECORD_CONTACT_KEYS_FILE at one file:
// two connections, as two processes would have.
describe('a contact-key file shared by two replicas', () => {
  let dir: { path: string; remove: () => void };
  let a: SqliteContactKeyVault;
  let b: SqliteContactKeyVault;

  beforeEach(() => {
    dir = tempDir('onrecord-vault-');
    const file = join(dir.path, 'shared', 'contact-keys.sqlite');
    a = new SqliteContactKeyVault(file, newKey);
    b = new SqliteContactKeyVault(file, newKey);
  });
  afterEach(() => {
    a.close();
    b.close();
    dir.remove();
  });

  it('gives both the same key, whichever created it first', () => {
    const key = a.keyFor('crm-0042');
    expect(b.find('crm-0042')).toEqual(key);
    expect(b.keyFor('crm-0042')).toEqual(key);
    expect(a.keyFor('crm-0043')).toEqual(b.keyFor('crm-0043'));
  });

  it('given an erasure through one, the other holds no key and knows it was erased', () => {
    a.keyFor('crm-0042');
    expect(b.wasErased('crm-0042')).toBe(false);

    expect(a.destroy('crm-0042')).toBe(true);

    expect(b.find('crm-0042')).toBeNull();
    expect(b.wasErased('crm-0042')).toBe(true);
    expect(b.destroy('crm-0042')).toBe(false);
    // A contact never seen is neither held nor erased.
    expect(b.find('crm-9999')).toBeNull();
    expect(b.wasErased('crm-9999')).toBe(false);
  });
});
