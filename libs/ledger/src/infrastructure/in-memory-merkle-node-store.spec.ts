import { merkleNodeStoreContract } from '../testing/merkle-node-store.contract.js';
import { InMemoryMerkleNodeStore } from './in-memory-merkle-node-store.js';

merkleNodeStoreContract(
  'in memory',
  () => ({ open: () => new InMemoryMerkleNodeStore(), dispose: () => undefined }),
  { durable: false },
);
