export * from './contract.ts';
export * from './errors.ts';
export * from './client.ts';
export type * from './types.ts';
export * from './capture-contract.ts';
export type * from './capture-types.ts';
