// What the contract's parts (compose-, snapshot-, step-, canvas-contract.ts) share with contract.ts. They cannot
// take it from contract.ts, which imports them to spread their methods into its own; a type-only import is fine.
import type { MethodSpec } from './contract.ts';
import type { Schema } from './schema.ts';

/** Lab and snapshot ids: 32 hex digits. */
export const ID = /^[0-9a-f]{32}$/;
/** Docker's object names (nodes, containers, networks). */
export const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A method with result type R (given first, the params inferred from their schema). */
export const method =
  <R>() =>
  <P>(params: Schema<P>): MethodSpec<P, R> => ({ params });
